namespace FocusFlow.Core.Editing;

/// <summary>The editing methods: FocusFlow (the product), and the FlowEdit and SDEdit baselines.</summary>
public enum EditMethod { FocusFlow, FlowEdit, SDEdit }

/// <summary>
/// How FocusFlow integrates the masked blend in its ODE phase.
/// Delta (default): FlowEdit's difference of the blend, M*(V_tar - V_src); outside the mask nothing moves.
/// Raw: the blend itself, M*V_tar + (1-M)*V_src, as the published reference integrates it.
/// </summary>
public enum BlendMode { Delta, Raw }
