# Same-machine baseline for benchmarks/FocusFlow.Benchmarks: diffusers' SD3-medium transformer and SD3 VAE,
# fp16, random weights, the same shapes; plus the 205 batch-4 transformer calls of a FocusFlow edit at 512 px
# (10 mask samples + 45 ODE steps x 4 averages + 15 sampling calls) timed back to back.
import json, sys, time, torch
from diffusers import SD3Transformer2DModel, AutoencoderKL

arch = json.load(open(sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/architectures.json"))
groups = "groups" in sys.argv[2:]   # only the one-source-three-targets comparison (benchmarks/run-device.sh groups)

def median(fn, warm, n):
    with torch.no_grad():
        for _ in range(warm): fn()
        torch.cuda.synchronize(); ts = []
        for _ in range(n):
            t0 = time.perf_counter(); fn(); torch.cuda.synchronize(); ts.append((time.perf_counter() - t0) * 1000)
    return sorted(ts)[n // 2]

with torch.device("cuda"):
    tr = SD3Transformer2DModel(**arch["sd3-medium.transformer"]["config"]).half().eval()
if groups:
    # The reference implementation edits one target at a time: a FocusFlow edit at the published defaults is 205
    # batch-4 transformer calls (10 mask samples + 45 ODE steps x 4 averages + 15 sampling calls); three targets, 615.
    with torch.no_grad():
        for side in [512, 1024]:
            lat = torch.randn(4, 16, side // 8, side // 8, device="cuda", dtype=torch.half)
            txt = torch.randn(4, 333, 4096, device="cuda", dtype=torch.half)
            pool = torch.randn(4, 2048, device="cuda", dtype=torch.half)
            t = torch.full((4,), 500.0, device="cuda")
            for _ in range(3): tr(lat, txt, pool, t, return_dict=False)
            torch.cuda.synchronize(); t0 = time.perf_counter()
            for _ in range(3 * 205): tr(lat, txt, pool, t, return_dict=False)
            torch.cuda.synchronize()
            print(f"diffusers three FocusFlow edits' transformer calls (615 x batch 4) {side}px: {time.perf_counter() - t0:.2f} s, "
                  f"max memory allocated {torch.cuda.max_memory_allocated() / 2**30:.2f} GiB", flush=True)
    sys.exit(0)

for side, b in [(512, 4), (512, 1), (1024, 4), (1024, 1)]:
    lat = torch.randn(b, 16, side // 8, side // 8, device="cuda", dtype=torch.half)
    txt = torch.randn(b, 333, 4096, device="cuda", dtype=torch.half)
    pool = torch.randn(b, 2048, device="cuda", dtype=torch.half)
    t = torch.full((b,), 500.0, device="cuda")
    print(f"diffusers transformer sd3-medium fp16 {side}px batch {b}: {median(lambda: tr(lat, txt, pool, t, return_dict=False), 3, 9):.1f} ms", flush=True)

lat = torch.randn(4, 16, 64, 64, device="cuda", dtype=torch.half)
txt = torch.randn(4, 333, 4096, device="cuda", dtype=torch.half)
pool = torch.randn(4, 2048, device="cuda", dtype=torch.half)
t = torch.full((4,), 500.0, device="cuda")
with torch.no_grad():
    torch.cuda.synchronize(); t0 = time.perf_counter()
    for _ in range(205): tr(lat, txt, pool, t, return_dict=False)
    torch.cuda.synchronize()
print(f"diffusers 205 transformer calls (a FocusFlow edit's worth) 512px batch 4: {time.perf_counter() - t0:.2f} s", flush=True)
del tr

with torch.device("cuda"):
    vae = AutoencoderKL(**arch["sd3.vae"]["config"]).half().eval()
for side in [512, 1024]:
    img = torch.rand(1, 3, side, side, device="cuda", dtype=torch.half) * 2 - 1
    z = torch.randn(1, 16, side // 8, side // 8, device="cuda", dtype=torch.half)
    enc = median(lambda: vae.encode(img).latent_dist.mean, 2, 5)
    dec = median(lambda: vae.decode(z).sample, 2, 5)
    print(f"diffusers vae fp16 {side}px: encode {enc:.1f} ms, decode {dec:.1f} ms", flush=True)
