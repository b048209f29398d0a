using System.Diagnostics;

namespace DpSynth.Bench.Kernels;

/// <summary>How long to warm up and time a row.</summary>
/// <param name="WarmupSeconds">Calls before timing (long enough for tiered compilation the first time an op is seen).</param>
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
        var times = Seconds(parts, synchronize, budget);
        return times[times.Length / 2];
    }

    /// <summary>
    /// The fastest repetition's seconds per call: for the roofs, which are the best the machine can do
    /// (STREAM also reports the best time), so that a busy moment lowers a row's fraction, never raises it.
    /// </summary>
    public static double BestSeconds(IReadOnlyList<Action> parts, Action synchronize, TimingBudget budget)
        => Seconds(parts, synchronize, budget)[0];

    /// <summary>Sorted seconds per call of each timed repetition.</summary>
    private static double[] Seconds(IReadOnlyList<Action> parts, Action synchronize, TimingBudget budget)
    {
        using var runner = new ConcurrentRunner(parts, synchronize);
        double warm = 0;
        int calls = 0;
        while (warm < budget.WarmupSeconds || calls < 2)
        {
            warm += runner.Run(1);
            calls++;
        }
        double perCall = warm / calls;
        int inner = (int)Math.Clamp(Math.Ceiling(budget.RepetitionSeconds / Math.Max(perCall, 1e-9)), 1, 1_000_000);
        int repetitions = perCall > 0.05 ? Math.Min(3, budget.Repetitions) : budget.Repetitions;
        var times = new double[repetitions];
        for (int r = 0; r < repetitions; r++) times[r] = runner.Run(inner) / inner;
        Array.Sort(times);
        return times;
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
            var clock = Stopwatch.StartNew();
            _barrier?.SignalAndWait();
            for (int i = 0; i < inner; i++) _parts[0]();
            _synchronize();
            _barrier?.SignalAndWait();
            return clock.Elapsed.TotalSeconds;
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
