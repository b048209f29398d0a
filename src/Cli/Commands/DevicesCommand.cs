using System.CommandLine;
using DpSynth.Kernels;

namespace DpSynth.Cli.Commands;

/// <summary>`dpsynth devices`: the accelerators DpSynth can use and the backend `auto` picks.</summary>
internal static class DevicesCommand
{
    private const string Description = """
        List the compute devices DpSynth can run on (name, memory, warp size, compute capability)
        and the backend that --device auto would pick.

        Example:
          dpsynth devices
        """;

    public static Command Create()
    {
        var command = new Command("devices", Description);
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            foreach (var device in BackendFactory.ListDevices()) output.WriteLine(device.ToString());
            output.WriteLine($"auto: {BackendFactory.ResolveAuto()}");
            return 0;
        });
        return command;
    }
}
