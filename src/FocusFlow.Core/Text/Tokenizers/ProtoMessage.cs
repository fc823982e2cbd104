namespace FocusFlow.Core.Text;

/// <summary>
/// Just enough protocol-buffer wire format to read and edit a SentencePiece model file: a message is a list
/// of (field, wire type, value) kept in order, so fields this code does not know survive a round trip.
/// </summary>
internal sealed class ProtoMessage
{
    readonly record struct Field(int Number, int WireType, ulong Varint, byte[]? Payload);

    readonly List<Field> _fields = new();

    public static ProtoMessage Parse(ReadOnlySpan<byte> data)
    {
        var message = new ProtoMessage();
        int pos = 0;
        while (pos < data.Length)
        {
            ulong tag = ReadVarint(data, ref pos);
            int number = (int)(tag >> 3), wireType = (int)(tag & 7);
            switch (wireType)
            {
                case 0:
                    message._fields.Add(new Field(number, 0, ReadVarint(data, ref pos), null));
                    break;
                case 1:
                case 5:
                    int size = wireType == 1 ? 8 : 4;
                    message._fields.Add(new Field(number, wireType, 0, Take(data, ref pos, size)));
                    break;
                case 2:
                    int length = checked((int)ReadVarint(data, ref pos));
                    message._fields.Add(new Field(number, 2, 0, Take(data, ref pos, length)));
                    break;
                default:
                    throw new InvalidDataException($"unsupported protocol-buffer wire type {wireType} (field {number})");
            }
        }
        return message;
    }

    Field? Last(int number, int wireType)
    {
        for (int i = _fields.Count - 1; i >= 0; i--)
            if (_fields[i].Number == number && _fields[i].WireType == wireType) return _fields[i];
        return null;
    }

    public long? Int(int number) => Last(number, 0) is { } f ? unchecked((long)f.Varint) : null;

    public bool? Bool(int number) => Int(number) is { } v ? v != 0 : null;

    public byte[]? Bytes(int number) => Last(number, 2)?.Payload;

    public string? String(int number) => Bytes(number) is { } b ? System.Text.Encoding.UTF8.GetString(b) : null;

    public float? Float(int number) => Last(number, 5)?.Payload is { } b ? BitConverter.ToSingle(b) : null;

    public ProtoMessage? Message(int number) => Bytes(number) is { } b ? Parse(b) : null;

    public IEnumerable<ProtoMessage> Messages(int number) =>
        _fields.Where(f => f.Number == number && f.WireType == 2).Select(f => Parse(f.Payload!));

    /// <summary>Replaces every occurrence of a scalar field with one varint (negative ints as ten bytes, as protobuf does).</summary>
    public ProtoMessage SetInt(int number, long value) => Replace(number, new Field(number, 0, unchecked((ulong)value), null));

    public ProtoMessage SetBool(int number, bool value) => SetInt(number, value ? 1 : 0);

    public ProtoMessage SetFloat(int number, float value) => Replace(number, new Field(number, 5, 0, BitConverter.GetBytes(value)));

    public ProtoMessage SetBytes(int number, byte[] value) => Replace(number, new Field(number, 2, 0, value));

    public ProtoMessage SetString(int number, string value) => SetBytes(number, System.Text.Encoding.UTF8.GetBytes(value));

    public ProtoMessage SetMessage(int number, ProtoMessage value) => SetBytes(number, value.ToBytes());

    public ProtoMessage AddMessage(int number, ProtoMessage value)
    {
        _fields.Add(new Field(number, 2, 0, value.ToBytes()));
        return this;
    }

    ProtoMessage Replace(int number, Field field)
    {
        int at = _fields.FindIndex(f => f.Number == number);
        _fields.RemoveAll(f => f.Number == number);
        _fields.Insert(at < 0 ? _fields.Count : at, field);
        return this;
    }

    public byte[] ToBytes()
    {
        var output = new List<byte>();
        foreach (var f in _fields)
        {
            WriteVarint(output, ((ulong)f.Number << 3) | (uint)f.WireType);
            if (f.WireType == 0) WriteVarint(output, f.Varint);
            else
            {
                if (f.WireType == 2) WriteVarint(output, (ulong)f.Payload!.Length);
                output.AddRange(f.Payload!);
            }
        }
        return output.ToArray();
    }

    static ulong ReadVarint(ReadOnlySpan<byte> data, ref int pos)
    {
        ulong result = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (pos >= data.Length) throw new InvalidDataException("truncated protocol-buffer varint");
            byte b = data[pos++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
        throw new InvalidDataException("protocol-buffer varint longer than ten bytes");
    }

    static byte[] Take(ReadOnlySpan<byte> data, ref int pos, int count)
    {
        if (count < 0 || pos + count > data.Length) throw new InvalidDataException("truncated protocol-buffer field");
        var bytes = data.Slice(pos, count).ToArray();
        pos += count;
        return bytes;
    }

    static void WriteVarint(List<byte> output, ulong value)
    {
        while (value >= 0x80)
        {
            output.Add((byte)(value | 0x80));
            value >>= 7;
        }
        output.Add((byte)value);
    }
}
