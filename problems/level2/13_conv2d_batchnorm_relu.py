"""2-D convolution (no bias), inference-mode batch norm, ReLU: out = relu(BN(conv2d(x, W))).

conv2d: stride 1, zero padding KERNEL_SIZE // 2, no bias. BN uses the fixed running statistics (inference / eval
mode, no update): BN(z)[n, c] = (z[n, c] - running_mean[c]) / sqrt(running_var[c] + eps) * gamma[c] + beta[c],
eps = 1e-5. x has shape (BATCH, IN_CHANNELS, HEIGHT, WIDTH), float32; W (OUT_CHANNELS, IN_CHANNELS, KERNEL_SIZE,
KERNEL_SIZE) belongs to an nn.Conv2d, gamma/beta/running_mean/running_var (OUT_CHANNELS,) to an nn.BatchNorm2d whose
values are re-initialised (non-trivial). The output has shape (BATCH, OUT_CHANNELS, HEIGHT, WIDTH) for odd
KERNEL_SIZE, float32."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, kernel_size: int):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size, padding=kernel_size // 2, bias=False)
        self.bn = nn.BatchNorm2d(out_channels, eps=1e-5)
        with torch.no_grad():
            self.bn.weight.uniform_(0.5, 1.5)
            self.bn.bias.uniform_(-0.5, 0.5)
            self.bn.running_mean.uniform_(-0.3, 0.3)
            self.bn.running_var.uniform_(0.2, 1.0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        z = self.conv(x)
        # Inference-mode batch norm regardless of the module's train/eval flag.
        z = F.batch_norm(z, self.bn.running_mean, self.bn.running_var, self.bn.weight, self.bn.bias,
                         training=False, eps=self.bn.eps)
        return torch.relu(z)


BATCH = 32
IN_CHANNELS = 64
OUT_CHANNELS = 128
HEIGHT = 64
WIDTH = 64
KERNEL_SIZE = 3
CHANNELS_LAST = False  # when True, x is a non-contiguous (channels-last) view


def get_inputs():
    if CHANNELS_LAST:
        return [torch.randn(BATCH, HEIGHT, WIDTH, IN_CHANNELS).permute(0, 3, 1, 2)]
    return [torch.randn(BATCH, IN_CHANNELS, HEIGHT, WIDTH)]


def get_init_inputs():
    return [IN_CHANNELS, OUT_CHANNELS, KERNEL_SIZE]


# --- KernelGym metadata -------------------------------------------------------------------------
TAGS = ["conv", "norm", "activation", "fused"]
ATOL = 1e-4
RTOL = 1e-4
# TF32 tl.dot in an answer (and TF32 cuDNN in the eager reference) drifts further at the timing shapes
TIMING_ATOL = 0.02
TEST_CASES = [
    {"BATCH": 2, "IN_CHANNELS": 3, "OUT_CHANNELS": 8, "HEIGHT": 10, "WIDTH": 10},
    {"BATCH": 1, "IN_CHANNELS": 5, "OUT_CHANNELS": 1, "HEIGHT": 7, "WIDTH": 13, "KERNEL_SIZE": 1},
    {"BATCH": 3, "IN_CHANNELS": 4, "OUT_CHANNELS": 20, "HEIGHT": 6, "WIDTH": 5, "CHANNELS_LAST": True},
]
TIMING_CASES = [{"BATCH": 32, "IN_CHANNELS": 64, "OUT_CHANNELS": 128, "HEIGHT": 64, "WIDTH": 64}]
