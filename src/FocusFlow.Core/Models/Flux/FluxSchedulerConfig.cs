using System.Text.Json;
using FocusFlow.Core.IO.Models;
using FocusFlow.Core.Models.Loading;
using FocusFlow.Core.Sampling;

namespace FocusFlow.Core.Models.Flux;

/// <summary>
/// FLUX's FlowMatchEulerDiscreteScheduler options: resolution-dependent shifting (use_dynamic_shifting), with the shift
/// exponent mu interpolated linearly in the packed sequence length between (base_image_seq_len, base_shift) and
/// (max_image_seq_len, max_shift). Other sigma options are refused, so a config is never half-honoured.
/// </summary>
public sealed record FluxSchedulerConfig(int NumTrainTimesteps = 1000, double BaseShift = 0.5, double MaxShift = 1.15,
    int BaseImageSeqLen = 256, int MaxImageSeqLen = 4096)
{
    public static FluxSchedulerConfig FromJson(JsonElement c)
    {
        if (!c.GetBool("use_dynamic_shifting", false))
            throw new NotSupportedException("scheduler_config.json: 'use_dynamic_shifting' is not true; FLUX.1 schedules shift with the image size (mu), and a static shift is not supported for a FLUX model.");
        foreach (var key in new[] { "invert_sigmas", "use_karras_sigmas", "use_exponential_sigmas", "use_beta_sigmas", "stochastic_sampling" })
            if (c.GetBool(key, false))
                throw new NotSupportedException($"scheduler_config.json: '{key}' is true, which FLUX.1 does not use and is not supported.");
        if (c.Has("shift_terminal") && c.GetProperty("shift_terminal").ValueKind != JsonValueKind.Null && c.GetDouble("shift_terminal") != 0)
            throw new NotSupportedException("scheduler_config.json: 'shift_terminal' is set; stretching the schedule to a terminal value is not supported.");
        if (c.Has("time_shift_type") && c.GetString("time_shift_type") != "exponential")
            throw new NotSupportedException($"scheduler_config.json: time_shift_type '{c.GetString("time_shift_type")}' is not supported; FLUX.1 shifts exponentially.");
        var config = new FluxSchedulerConfig(
            c.GetSize("num_train_timesteps", 1000, max: 1 << 20),
            c.GetDouble("base_shift", 0.5), c.GetDouble("max_shift", 1.15),
            c.GetSize("base_image_seq_len", 256), c.GetSize("max_image_seq_len", 4096));
        if (config.NumTrainTimesteps < 2 || config.MaxImageSeqLen == config.BaseImageSeqLen || !double.IsFinite(config.BaseShift) || !double.IsFinite(config.MaxShift))
            throw new InvalidDataException($"scheduler_config.json: num_train_timesteps {config.NumTrainTimesteps}, base/max shift {config.BaseShift}/{config.MaxShift} and base/max image_seq_len {config.BaseImageSeqLen}/{config.MaxImageSeqLen} do not define a schedule.");
        return config;
    }

    /// <summary>Reads <c>scheduler_config.json</c> from a FLUX scheduler component folder.</summary>
    public static FluxSchedulerConfig Read(string componentFolder) =>
        ComponentFolder.ReadConfig(componentFolder, FlowMatchSchedulerConfig.ClassName, FromJson);
}
