using FocusFlow.Core.Editing;
using FocusFlow.Core.Settings;

namespace FocusFlow.Core.Models.Flux;

/// <summary>
/// Each method's defaults on FLUX.1 (the FLUX column beside SD3's published ones in <see cref="EditOptions.Defaults"/>).
/// FlowEdit: the official FLUX settings (FlowEdit's FLUX_exp.yaml): 28 steps, n_max 24, n_min 0, n_avg 1, guidance
/// 1.5 / 5.5. FocusFlow: the same schedule and guidances, so on FLUX it differs from FlowEdit by the mask alone; the mask
/// is measured at FLUX.1-dev's usual generation guidance, 3.5, with SD3's mask post-processing. SDEdit: the same share
/// of the schedule as SD3's published setting (25 of 60 steps, so 12 of 28) at FLUX.1-dev's generation guidance 3.5.
/// With another step count, n_max and n_min keep their share of the schedule (<see cref="StepScaling"/>).
/// </summary>
public static class FluxEditDefaults
{
    public const int Steps = 28;

    public static EditOptions For(EditMethod method, int? steps = null)
    {
        var o = method switch
        {
            EditMethod.FlowEdit => new EditOptions { Method = method, Steps = Steps, NMax = 24, NMin = 0, NAvg = 1, SourceGuidance = 1.5, TargetGuidance = 5.5 },
            EditMethod.FocusFlow => new EditOptions
            {
                Method = method, Steps = Steps, NMax = 24, NMin = 0, NAvg = 1, SourceGuidance = 1.5, TargetGuidance = 5.5,
                Mask = new MaskOptions { Guidance = 3.5 },
            },
            EditMethod.SDEdit => new EditOptions { Method = method, Steps = Steps, NMax = 12, NMin = 0, NAvg = 1, SourceGuidance = 1.5, TargetGuidance = 3.5 },
            _ => throw new ArgumentOutOfRangeException(nameof(method), method, "Unknown editing method."),
        };
        return steps is int t ? StepScaling.Apply(o with { Steps = t }, o, nMaxGiven: false, nMinGiven: false) : o;
    }
}
