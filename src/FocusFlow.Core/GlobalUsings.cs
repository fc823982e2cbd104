// TorchSharp's parameter type lives among its built-in modules, whose names (Linear, Conv2d, ...) clash
// with the engine's own layers; import just the one type.
global using Parameter = TorchSharp.Modules.Parameter;
