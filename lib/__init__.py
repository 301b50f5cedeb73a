"""The course package: everything the notebooks import.

Bottom to top: the core imports only `paths` and other core modules; `checks` and `course` sit
on top and are never imported by the core (tests/test_layering.py holds that).

paths              the repository root and the solutions/ and assignments/ folders (imports nothing from lib)
gradient_check     numerical gradients by centered differences (CS231n API)
linear_regression  synthetic data, MSE loss and gradient, GD/SGD, normal equations, Hessian, R^2 (01)
classifiers/       multiclass SVM and softmax losses, LinearClassifier trained by SGD (02, 03)
layers             forward/backward layers, naive convolution and pooling, shape validators, losses (04)
fast_layers        im2col convolution and running-maximum pooling in pure NumPy, same results as layers
layer_utils        sandwich layers (affine-ReLU, conv-ReLU, conv-ReLU-pool)
initializers       Xavier/Glorot and He initialization
optim              update rules: SGD, momentum, RMSprop, Adam (05)
solver             the minibatch training loop (CS231n's Solver)
models/            LeNet-5 and the DQN Q-network
rl/                tabular RL (06); replay buffers, the DQN agent, episode evaluation (07); plots; envs
data/              the offline MNIST default, fetchers for bigger sets, IDX/CIFAR readers, splits
vis                plot helpers shared by notebooks (image grids, class templates, heatmaps)
perf               keep_freed_memory(): an opt-in glibc setting that speeds up conv training
checks/            the graded checks that sit under each exercise (core: the Check machinery)
course/            course tooling: generate, check, execute, run, grade, fetch; `headline` for notebooks
"""

__version__ = "0.1.0"
