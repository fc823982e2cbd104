using FocusFlow.Core.Models.Loading;
using System.Text.Json;
using FocusFlow.Core.IO.Models;

namespace FocusFlow.Core.Sampling;

/// <summary>
/// The options of diffusers' FlowMatchEulerDiscreteScheduler that SD3 and SD3.5 use (a static shift over
/// 1000 training steps). Options that would change the schedule in ways not implemented here are refused
/// when read, so a config is never half-honoured.
/// </summary>
public sealed record FlowMatchSchedulerConfig(int NumTrainTimesteps = 1000, double Shift = 1.0)
{
    /// <summary>The diffusers class this configures (its <c>_class_name</c>).</summary>
    public const string ClassName = "FlowMatchEulerDiscreteScheduler";

    public static FlowMatchSchedulerConfig FromJson(JsonElement c)
    {
        Refuse(c, "use_dynamic_shifting", "resolution-dependent shifting (mu) is not used by SD3/SD3.5");
        Refuse(c, "invert_sigmas", "inverted sigmas are a Mochi option");
        Refuse(c, "use_karras_sigmas", "Karras sigmas are not used by SD3/SD3.5");
        Refuse(c, "use_exponential_sigmas", "exponential sigmas are not used by SD3/SD3.5");
        Refuse(c, "use_beta_sigmas", "beta sigmas are not used by SD3/SD3.5");
        Refuse(c, "stochastic_sampling", "stochastic sampling is not used by SD3/SD3.5");
        if (c.Has("shift_terminal") && c.GetDouble("shift_terminal") != 0)
            throw new NotSupportedException("scheduler_config.json: 'shift_terminal' is set; stretching the schedule to a terminal value is not supported (SD3/SD3.5 do not use it).");
        var config = new FlowMatchSchedulerConfig(c.GetSize("num_train_timesteps", 1000, max: 1 << 20), c.GetDouble("shift", 1.0));
        if (config.NumTrainTimesteps < 2 || !(config.Shift > 0))
            throw new InvalidDataException($"scheduler_config.json: num_train_timesteps {config.NumTrainTimesteps} and shift {config.Shift} must be at least 2 and positive.");
        return config;
    }

    /// <summary>Reads <c>scheduler_config.json</c> from a scheduler component folder.</summary>
    public static FlowMatchSchedulerConfig Read(string componentFolder)
    {
        return ComponentFolder.ReadConfig(componentFolder, ClassName, FromJson);
    }

    static void Refuse(JsonElement c, string key, string why)
    {
        if (c.GetBool(key, false))
            throw new NotSupportedException($"scheduler_config.json: '{key}' is true, which is not supported ({why}).");
    }
}
