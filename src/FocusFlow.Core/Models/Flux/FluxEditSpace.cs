using FocusFlow.Core.Editing;
using FocusFlow.Core.Families;
using FocusFlow.Core.Sampling;
using static TorchSharp.torch;

namespace FocusFlow.Core.Models.Flux;

/// <summary>
/// FLUX.1's working space for one latent size, on which the shared editing loops run FlowEdit (the official
/// FlowEditFLUX), FocusFlow and SDEdit: 2x2-packed latents, so every noise draw is in the packed shape (as FlowEditFLUX
/// draws randn_like of the packed latent); the FLUX velocity (guidance as a model input, one row per guided velocity,
/// so a step costs 1 + K rows for K targets); the schedule shifted for the packed sequence length. FocusFlow measures
/// its mask on the unpacked grid, averaged over the 16 channels, and blends on packed latents.
/// </summary>
public sealed class FluxEditSpace : IEditSpace
{
    readonly FluxVelocity _velocity;
    readonly FluxScheduler _scheduler;
    readonly long _height, _width;

    public FluxEditSpace(FluxTransformer2DModel transformer, FluxScheduler scheduler, long height, long width)
    {
        _velocity = new FluxVelocity(transformer, height, width);
        _scheduler = scheduler;
        (_height, _width) = (height, width);
    }

    public IVelocityModel Velocity => _velocity;
    public Tensor ToWorking(Tensor grid) => FluxLatents.Pack(grid);
    public Tensor TakeGrid(Tensor working)
    {
        using (working) return FluxLatents.Unpack(working, _height, _width);
    }
    public FlowMatchSchedule Schedule(int steps) => _scheduler.SetTimesteps(steps, _height / 2 * (_width / 2));
    public void Dispose() => _velocity.Dispose();
}
