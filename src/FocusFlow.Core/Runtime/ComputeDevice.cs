namespace FocusFlow.Core.Runtime;

/// <summary>Where to run: the first CUDA GPU when there is one (Auto), or explicitly.</summary>
public enum ComputeDevice { Auto, Cpu, Cuda }

/// <summary>The precision of weights and activations.</summary>
public enum Precision { Float32, Float16, BFloat16 }
