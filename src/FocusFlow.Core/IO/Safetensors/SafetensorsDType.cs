using TorchSharp;

namespace FocusFlow.Core.IO.Safetensors;

/// <summary>The dtype names of the safetensors format and how they map onto torch.</summary>
public static class SafetensorsDType
{
    static readonly Dictionary<string, (torch.ScalarType Type, int Size)> Known = new()
    {
        ["F64"] = (torch.ScalarType.Float64, 8),
        ["F32"] = (torch.ScalarType.Float32, 4),
        ["F16"] = (torch.ScalarType.Float16, 2),
        ["BF16"] = (torch.ScalarType.BFloat16, 2),
        ["I64"] = (torch.ScalarType.Int64, 8),
        ["I32"] = (torch.ScalarType.Int32, 4),
        ["I16"] = (torch.ScalarType.Int16, 2),
        ["I8"] = (torch.ScalarType.Int8, 1),
        ["U8"] = (torch.ScalarType.Byte, 1),
        ["BOOL"] = (torch.ScalarType.Bool, 1),
    };

    public static bool IsKnown(string name) => Known.ContainsKey(name);

    public static int ElementSize(string name) => Known[name].Size;

    public static torch.ScalarType ToScalarType(string name) => Known[name].Type;

    public static string FromScalarType(torch.ScalarType type)
    {
        foreach (var (name, value) in Known)
            if (value.Type == type) return name;
        throw new NotSupportedException($"Tensors of type {type} cannot be written to safetensors.");
    }

    /// <summary>The name PyTorch users know (float16, bfloat16, ...), for display.</summary>
    public static string DisplayName(string name) => name switch
    {
        "F64" => "float64", "F32" => "float32", "F16" => "float16", "BF16" => "bfloat16",
        "I64" => "int64", "I32" => "int32", "I16" => "int16", "I8" => "int8", "U8" => "uint8", "BOOL" => "bool",
        _ => name,
    };
}
