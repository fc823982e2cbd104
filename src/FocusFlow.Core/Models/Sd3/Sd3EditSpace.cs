using FocusFlow.Core.Editing;
using FocusFlow.Core.Families;
using FocusFlow.Core.Sampling;
using static TorchSharp.torch;

namespace FocusFlow.Core.Models.Sd3;

/// <summary>SD3's working space: the latent grid itself, and one schedule for every latent size (no shift by sequence length).</summary>
sealed class Sd3EditSpace(IVelocityModel velocity, FlowMatchEulerDiscreteScheduler scheduler) : IEditSpace
{
    public IVelocityModel Velocity => velocity;
    public Tensor ToWorking(Tensor grid) => grid.alias();
    public Tensor TakeGrid(Tensor working) => working;
    public FlowMatchSchedule Schedule(int steps) => scheduler.SetTimesteps(steps);
    public void Dispose() { }
}
