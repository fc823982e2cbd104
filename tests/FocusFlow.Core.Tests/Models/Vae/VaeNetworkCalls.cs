using FocusFlow.Core.Models.Vae;
using static TorchSharp.torch;

namespace FocusFlow.Core.Tests.Models.Vae;

/// <summary>
/// Records the input shape of each call of the VAE's encoder or decoder network (a forward pre-hook on the submodule,
/// removed on dispose), so tests see tile sizes and batch slices without a hook in the product type.
/// </summary>
sealed class VaeNetworkCalls : IDisposable
{
    readonly List<nn.HookableModule<Func<nn.Module<Tensor, Tensor>, Tensor, Tensor>, Func<nn.Module<Tensor, Tensor>, Tensor, Tensor, Tensor>>.HookRemover> _hooks = new();

    /// <summary>The input shapes, in call order.</summary>
    public List<long[]> Shapes { get; } = new();

    /// <param name="networks">"encoder", "decoder" or both: the submodules (named as the checkpoint keys) to watch.</param>
    public VaeNetworkCalls(AutoencoderKL vae, params string[] networks)
    {
        foreach (var (name, module) in vae.named_children())
            if (networks.Contains(name))
                _hooks.Add(((nn.Module<Tensor, Tensor>)module).register_forward_pre_hook((_, x) => { Shapes.Add(x.shape); return x; }));
        Assert.Equal(networks.Length, _hooks.Count);
    }

    public void Dispose()
    {
        foreach (var hook in _hooks) hook.remove();
    }
}
