#!/usr/bin/env bash
# Runs the benchmarks on a GPU machine that has PyTorch but no .NET (see benchmarks/README.md).
# Expects .device/bench (FocusFlow.Benchmarks published with -p:TorchBackend=managed) and
# .device/dotnet-rt.tar.xz (the .NET runtime) beside the repository checkout.
# `run-device.sh flux`: the FLUX.1 benchmark (see benchmarks/README.md).
# `run-device.sh groups`: one source x three targets (three single edits against one grouped edit at 512 and
# 1024 px, the SD3-medium + T5 16 GB check), then diffusers' transformer calls for the same three edits.
set -u
mode=${1:-}
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
mkdir -p /tmp/dn && tar -C /tmp/dn -xJf .device/dotnet-rt.tar.xz
TORCHLIB=$(python3 -c "import torch,os;print(os.path.dirname(torch.__file__)+'/lib')") || { echo "no PyTorch"; exit 3; }
python3 -c "import torch, diffusers; print('torch', torch.__version__, 'cuda', torch.version.cuda, 'diffusers', diffusers.__version__)" 2>&1 | tail -1
if [ "$mode" = flux ]; then
  echo "== engine (FLUX.1: the fixture edit, the full-size FLUX.1-dev transformer in bfloat16, a FlowEdit at the official settings)"
  LD_LIBRARY_PATH=$TORCHLIB timeout 420 /tmp/dn/dotnet .device/bench/FocusFlow.Benchmarks.dll . cuda flux 2>&1 | tail -12
  exit 0
fi
if [ "$mode" = groups ]; then
  echo "== engine (grouped targets)"
  LD_LIBRARY_PATH=$TORCHLIB timeout 420 /tmp/dn/dotnet .device/bench/FocusFlow.Benchmarks.dll . cuda groups 2>&1 | tail -20
  echo "== diffusers (the same three edits, one target at a time)"
  timeout 150 python3 benchmarks/baseline_diffusers.py tests/fixtures/architectures.json groups 2>&1 | grep -v -i warn | tail -5
  exit 0
fi
echo "== engine"
LD_LIBRARY_PATH=$TORCHLIB timeout 240 /tmp/dn/dotnet .device/bench/FocusFlow.Benchmarks.dll . cuda 2>&1 | tail -30
echo "== diffusers"
timeout 200 python3 benchmarks/baseline_diffusers.py 2>&1 | grep -v -i warn | tail -20
