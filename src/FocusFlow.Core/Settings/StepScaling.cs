using FocusFlow.Core.Editing;

namespace FocusFlow.Core.Settings;

/// <summary>
/// The one rule for NMax and NMin when Steps is not the published 60: a value the user gave is kept as given; a
/// value not given keeps its share of the schedule, rounded half away from zero (FocusFlow's 60/15 of 60 become
/// 15/4 of 15); and an NMin not given never exceeds NMax. So <c>-Steps 30 -NMax 5</c> runs with NMin 5 (the scaled 8
/// capped at the given 5) on every surface, while an NMin given above NMax is an error.
/// </summary>
public static class StepScaling
{
    /// <summary><paramref name="options"/> with NMax and NMin scaled from <paramref name="published"/> where not given.</summary>
    public static EditOptions Apply(EditOptions options, EditOptions published, bool nMaxGiven, bool nMinGiven)
    {
        if (options.Steps != published.Steps && options.Steps >= 1)
        {
            int Scale(int n) => (int)Math.Round((double)n * options.Steps / published.Steps, MidpointRounding.AwayFromZero);
            if (!nMaxGiven) options = options with { NMax = Scale(published.NMax) };
            if (!nMinGiven) options = options with { NMin = Scale(published.NMin) };
        }
        return nMinGiven ? options : options with { NMin = Math.Min(options.NMin, options.NMax) };
    }
}
