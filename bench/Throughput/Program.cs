using System.Globalization;
using DpSynth.Bench.Throughput;

// End-to-end DP-SGD training throughput on random data: one JSON line per mode.
// dotnet run -c Release --project bench/Throughput -- [--device D] [--seconds S] [--threads T] [--modes a,b] [--rows N] [--batch B]
var settings = new ThroughputSettings();
for (int i = 0; i < args.Length; i++)
{
    string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--device": settings = settings with { Device = Value() }; break;
        case "--seconds": settings = settings with { Seconds = double.Parse(Value(), CultureInfo.InvariantCulture) }; break;
        case "--threads": settings = settings with { Threads = int.Parse(Value(), CultureInfo.InvariantCulture) }; break;
        case "--modes": settings = settings with { Modes = Value().Split(',', StringSplitOptions.RemoveEmptyEntries) }; break;
        case "--rows": settings = settings with { Rows = int.Parse(Value(), CultureInfo.InvariantCulture) }; break;
        case "--batch": settings = settings with { Batch = int.Parse(Value(), CultureInfo.InvariantCulture) }; break;
        default:
            Console.Error.WriteLine($"unknown argument '{args[i]}'; expected --device, --seconds, --threads, --modes, --rows or --batch");
            return 2;
    }
}
foreach (var mode in settings.Modes)
    Console.WriteLine(ThroughputRun.Measure(settings, mode).ToJson());
return 0;
