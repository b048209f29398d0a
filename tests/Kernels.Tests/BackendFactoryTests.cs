using DpSynth.Kernels.Gpu;
using DpSynth.Kernels.Reference;
using DpSynth.Kernels.Simd;

namespace DpSynth.Kernels.Tests;

public sealed class BackendFactoryTests
{
    [Theory]
    [InlineData("simd", typeof(SimdBackend))]
    [InlineData("cpu", typeof(SimdBackend))]
    [InlineData(" CPU ", typeof(SimdBackend))]
    [InlineData("reference", typeof(ReferenceBackend))]
    [InlineData("ilgpu-cpu", typeof(IlgpuBackend))]
    public void CreatesTheNamedBackend(string device, Type expected)
    {
        using var backend = BackendFactory.Create(device);
        Assert.IsType(expected, backend);
    }

    [Fact]
    public void AutoPicksCudaOnlyWhenACudaDeviceIsPresent()
    {
        string expected = BackendFactory.CudaDeviceCount() > 0 ? "cuda" : "simd";
        Assert.Equal(expected, BackendFactory.ResolveAuto());
        using var backend = BackendFactory.Create("auto");
        Assert.Equal(expected, backend.Name);
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("")]
    [InlineData("simd:1")]
    [InlineData("cuda:x")]
    public void UnknownDeviceIsRefusedWithTheValidNames(string device)
    {
        var e = Assert.Throws<ArgumentException>(() => BackendFactory.Create(device));
        Assert.Contains($"'{device}'", e.Message);
        foreach (string name in BackendFactory.DeviceNames) Assert.Contains(name, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void ListsTheCpuAndEveryCudaDevice()
    {
        var devices = BackendFactory.ListDevices();
        var cpu = Assert.Single(devices, d => d.Device == "cpu");
        Assert.True(cpu.MemoryBytes > 0 && cpu.WarpSize >= 1 && cpu.Multiprocessors >= 1, cpu.ToString());
        Assert.Equal(BackendFactory.CudaDeviceCount(), devices.Count(d => d.Device == "cuda"));
    }
}
