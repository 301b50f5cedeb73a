"""The course package: everything the notebooks import.

gradient_check   numerical gradients (CS231n API)
linear_regression  reference implementations for assignment 01
data             the offline MNIST default, fetchers for bigger sets, splits and preprocessing
checks           the graded checks that sit under each exercise
course           course tooling: generate, check, execute, grade, run, fetch
"""
__version__ = "0.1.0"
