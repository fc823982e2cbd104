using System.Globalization;
using CsvHelper;

namespace FocusFlow.Core.Evaluation;

/// <summary>
/// Comma-separated values as RFC 4180 writes them (what Import-Csv, Excel and pandas read), by CsvHelper: a header
/// line, fields quoted when they hold a comma, a quote or a line break, quotes doubled, CRLF line ends.
/// </summary>
/// <remarks>
/// Cells are written as they are, also those that start with = + - @ (which a spreadsheet opened on the file may take
/// for a formula): these CSVs are data that FocusFlow reads back (resume, merge) and that Import-Csv and pandas
/// read, where a prefixed ' would change prompts such as "-a cat" and the numbers of the clip_t column. The report
/// (report.md) is the file meant for people to open.
/// </remarks>
internal static class Csv
{
    /// <summary>The largest record read, in bytes: a bound for a hostile file (an unclosed quote at its start).</summary>
    const int MaxRecordBytes = 16 << 20;

    static readonly CsvWriterOptions WriteOptions = CsvWriterOptions.Default with
    {
        FormatProvider = CultureInfo.InvariantCulture, NewLine = "\r\n", Quoting = CsvQuoting.WhenNeeded, Injection = CsvInjection.None,
    };

    static readonly CsvReaderOptions ReadOptions = CsvReaderOptions.Default with
    {
        Separator = ',', HasHeader = false, DetectSeparatorHint = false, FormatProvider = CultureInfo.InvariantCulture,
        MalformedData = CsvMalformedDataHandling.Throw, FieldCountMismatch = CsvFieldCountHandling.Throw,
        TrackLineNumbers = true, MaxRecordSize = MaxRecordBytes,
    };

    public static string Format(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = CsvWriter.Create(text, WriteOptions, leaveOpen: true))
        {
            csv.WriteHeader(header.ToArray());
            foreach (var row in rows) csv.WriteRecord(row.ToArray());
        }
        return text.ToString();
    }

    /// <summary>The records of a CSV text (the header included), each with as many fields as the header.</summary>
    public static List<string[]> Parse(string text, string path)
    {
        var records = new List<string[]>();
        using var csv = CsvReader.FromText(text, ReadOptions);
        try
        {
            while (csv.Read()) records.Add(csv.Current.ToArray());
        }
        catch (CsvFormatException e)
        {
            // CsvHelper's message names the record and its line (TrackLineNumbers).
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
        return records;
    }
}
