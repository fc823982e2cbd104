using System.Text;

namespace FocusFlow.Core.Evaluation;

/// <summary>
/// Comma-separated values as RFC 4180 writes them (what Import-Csv, Excel and pandas read): a header line, fields
/// quoted when they hold a comma, a quote or a line break, quotes doubled, CRLF line ends.
/// </summary>
internal static class Csv
{
    public static string Format(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var sb = new StringBuilder();
        void Line(IReadOnlyList<string> fields)
        {
            for (int i = 0; i < fields.Count; i++)
            {
                if (i > 0) sb.Append(',');
                var f = fields[i];
                if (f.IndexOfAny(new[] { ',', '"', '\r', '\n' }) >= 0) sb.Append('"').Append(f.Replace("\"", "\"\"")).Append('"');
                else sb.Append(f);
            }
            sb.Append("\r\n");
        }
        Line(header);
        foreach (var row in rows) Line(row);
        return sb.ToString();
    }

    /// <summary>The records of a CSV text (the header included), each with as many fields as the header.</summary>
    public static List<string[]> Parse(string text, string path)
    {
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        int i = 0, line = 1, recordLine = 1;
        bool quoted = false, wasQuoted = false;
        void EndField() { fields.Add(field.ToString()); field.Clear(); wasQuoted = false; }
        void EndRecord()
        {
            EndField();
            if (!(fields.Count == 1 && fields[0].Length == 0))  // a blank line
            {
                if (records.Count > 0 && fields.Count != records[0].Length)
                    throw new InvalidDataException($"{path}, line {recordLine}: {fields.Count} fields where the header has {records[0].Length}.");
                records.Add(fields.ToArray());
            }
            fields.Clear();
            recordLine = line;
        }
        while (i < text.Length)
        {
            char c = text[i++];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i < text.Length && text[i] == '"') { field.Append('"'); i++; }
                    else quoted = false;
                }
                else
                {
                    if (c == '\n') line++;
                    field.Append(c);
                }
            }
            else if (c == '"' && field.Length == 0 && !wasQuoted) { quoted = wasQuoted = true; }
            else if (c == ',') EndField();
            else if (c == '\r' && i < text.Length && text[i] == '\n') { }
            else if (c == '\n') { line++; EndRecord(); }
            else field.Append(c);
        }
        if (quoted) throw new InvalidDataException($"{path}, line {recordLine}: a quoted field is not closed.");
        if (field.Length > 0 || fields.Count > 0) EndRecord();
        return records;
    }
}
