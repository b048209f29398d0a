namespace DpSynth.Cli;

internal static class Program
{
    private static int Main(string[] args)
    {
        using var signals = Interrupt.Install(Console.Error);
        int code = CommandLine.Run(args, Console.Out, Console.Error);
        Interrupt.Complete();
        // An interrupted command has unwound; anything its writes left in progress goes now.
        if (Interrupt.Requested) Models.Tabular.TemporaryFiles.Shared.DeleteAll();
        return code;
    }
}
