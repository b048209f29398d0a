using System.Diagnostics;

namespace DpSynth.Bench.Kernels;

/// <summary>How long to warm up and time a row.</summary>
/// <param name="WarmupSeconds">Calls before timing.</param>
/// <param name="RepetitionSeconds">Each timed repetition repeats the call for at least this long.</param>
/// <param name="Repetitions">Timed repetitions; the median is reported.</param>
internal readonly record struct TimingBudget(double WarmupSeconds, double RepetitionSeconds, int Repetitions = 5);

/// <summary>
/// The careful timing loop of the quick mode: warm up, size a repetition so that clock resolution and
/// dispatch do not matter, time several repetitions and take the median. A T-thread run gives thread t
/// its own independent instance (its slice of the batch, as a DP-SGD step gives each core its own
/// microbatch), starts all threads together and stops when the last one finishes, so per-call dispatch
/// costs nothing and the result is the machine's throughput on that work.
/// </summary>
internal static class CaseTimer
{
    /// <summary>Median seconds for one call of every part, run concurrently (part t on thread t).</summary>
    public static double MedianSeconds(IReadOnlyList<Action> parts, Action synchronize, TimingBudget budget)
    {
        using var runner = new ConcurrentRunner(parts, synchronize);
        var times = Time(runner, Calibrate(runner, budget), Repetitions(budget));
        return Median(times);
    }

    /// <summary>
    /// The fastest repetition's seconds per call: for the roofs printed at the start, which are the best
    /// the machine can do (STREAM also reports the best time).
    /// </summary>
    public static double BestSeconds(IReadOnlyList<Action> parts, Action synchronize, TimingBudget budget)
    {
        using var runner = new ConcurrentRunner(parts, synchronize);
        return Time(runner, Calibrate(runner, budget), Repetitions(budget)).Min();
    }

    /// <summary>
    /// Median seconds per call of a row and of its roof's workload, their repetitions interleaved so
    /// that both see the same contention from other processes on a shared machine: their ratio is then
    /// a property of the kernel, not of the moment.
    /// </summary>
    public static (double Row, double Roof) PairedMedianSeconds(IReadOnlyList<Action> row, Action synchronizeRow, RoofWork roof, TimingBudget budget)
    {
        using var rowRunner = new ConcurrentRunner(row, synchronizeRow);
        using var roofRunner = new ConcurrentRunner(roof.Parts, roof.Synchronize);
        int rowInner = Calibrate(rowRunner, budget), roofInner = Calibrate(roofRunner, budget with { WarmupSeconds = 0 });
        int repetitions = Repetitions(budget);
        double[] rowTimes = new double[repetitions], roofTimes = new double[repetitions];
        for (int r = 0; r < repetitions; r++)
        {
            rowTimes[r] = rowRunner.Run(rowInner) / rowInner;
            roofTimes[r] = roofRunner.Run(roofInner) / roofInner;
        }
        return (Median(rowTimes), Median(roofTimes));
    }

    private static int Repetitions(TimingBudget budget) => budget.Repetitions;

    /// <summary>
    /// Warms up and returns how many calls make one repetition of at least half the budget's length:
    /// an estimate from the warm-up (whose first call, with its compilation, is not counted), then
    /// doubled until a repetition really is that long.
    /// </summary>
    private static int Calibrate(ConcurrentRunner runner, TimingBudget budget)
    {
        runner.Run(1);
        double warm = 0;
        int calls = 0;
        while (warm < budget.WarmupSeconds || calls < 2)
        {
            warm += runner.Run(1);
            calls++;
        }
        const int MaxInner = 1 << 24;
        int inner = (int)Math.Clamp(Math.Ceiling(budget.RepetitionSeconds / Math.Max(warm / calls, 1e-9)), 1, MaxInner);
        while (inner < MaxInner && runner.Run(inner) < budget.RepetitionSeconds / 2) inner *= 2;
        return inner;
    }

    private static double[] Time(ConcurrentRunner runner, int inner, int repetitions)
    {
        var times = new double[repetitions];
        for (int r = 0; r < repetitions; r++) times[r] = runner.Run(inner) / inner;
        return times;
    }

    private static double Median(double[] times)
    {
        Array.Sort(times);
        return times[times.Length / 2];
    }

    /// <summary>Threads 1..T−1 wait at a barrier; the caller is thread 0 and times from release to the last finish.</summary>
    private sealed class ConcurrentRunner : IDisposable
    {
        private readonly IReadOnlyList<Action> _parts;
        private readonly Action _synchronize;
        private readonly Barrier? _barrier;
        private readonly Thread[] _workers;
        private int _inner;
        private volatile bool _stop;

        public ConcurrentRunner(IReadOnlyList<Action> parts, Action synchronize)
        {
            _parts = parts;
            _synchronize = synchronize;
            _workers = new Thread[parts.Count - 1];
            if (parts.Count == 1) return;
            _barrier = new Barrier(parts.Count);
            for (int t = 1; t < parts.Count; t++)
            {
                var part = parts[t];
                _workers[t - 1] = new Thread(() =>
                {
                    while (true)
                    {
                        _barrier.SignalAndWait();
                        if (_stop) return;
                        for (int i = 0; i < _inner; i++) part();
                        _barrier.SignalAndWait();
                    }
                }) { IsBackground = true, Name = $"bench worker {t}" };
                _workers[t - 1].Start();
            }
        }

        /// <summary>Seconds for <paramref name="inner"/> calls of every part, all threads together.</summary>
        public double Run(int inner)
        {
            _inner = inner;
            // Raw timestamps: TimeSpan's 100 ns ticks would round a single short call to zero.
            long start = Stopwatch.GetTimestamp();
            _barrier?.SignalAndWait();
            for (int i = 0; i < inner; i++) _parts[0]();
            _synchronize();
            _barrier?.SignalAndWait();
            return (double)(Stopwatch.GetTimestamp() - start) / Stopwatch.Frequency;
        }

        public void Dispose()
        {
            if (_barrier is null) return;
            _stop = true;
            _barrier.SignalAndWait();
            foreach (var w in _workers) w.Join();
            _barrier.Dispose();
        }
    }
}
