"""Right and wrong answers for every exercise check, one module per lesson.

Each ``lessonNN.py`` defines ``CASES = {"NN.k": (right_answer, [wrong_answer, ...]), ...}``;
``tests/test_exercises.py`` runs every check on all of them: the right answer
must pass, every wrong answer must fail, and every registered exercise must
have a case with at least one plausible wrong answer.
"""
