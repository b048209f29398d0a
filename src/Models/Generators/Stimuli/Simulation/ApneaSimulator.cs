using DpSynth.Models.Simulation;

namespace DpSynth.Models.Generators.Stimuli.Simulation;

/// <summary>Settings of <see cref="ApneaSimulator"/>.</summary>
/// <param name="Subjects">Number of subjects S.</param>
/// <param name="WindowsPerSubject">Windows simulated per subject.</param>
/// <param name="Seed">Seed; the same seed gives the same windows.</param>
public sealed record ApneaSimulatorOptions(int Subjects = 20, int WindowsPerSubject = 300, ulong Seed = 1);

/// <summary>
/// The built-in physiological data of <c>dpsynth stimuli study</c>: 60-s windows at 1 Hz of thoracic
/// effort, abdominal effort, nasal flow and SpO₂ from S simulated sleepers, each with their own
/// identity (<see cref="ApneaSubject"/>). A window's label is 1 when it holds a respiratory event —
/// an apnea (flow nearly stops; effort goes on, out of phase, when obstructive, and stops when
/// central) or a hypopnea (flow reduced by a third to two thirds) of 10–40 s — which desaturates SpO₂
/// after a lag of 15–25 s. Realistic confounders keep the task from being trivial: events that only
/// touch the window's edge, the desaturation tail of an event that ended before the window, brief
/// (&lt; 10 s, not scored) flow dips, slow amplitude drift, sensor noise and SpO₂ quantised to 1 %.
/// </summary>
public static class ApneaSimulator
{
    /// <summary>Samples per channel in one window (60 s at 1 Hz).</summary>
    public const int Seconds = 60;

    /// <summary>The channels, in column order.</summary>
    public static IReadOnlyList<string> Channels { get; } = ["chest", "abdomen", "flow", "spo2"];

    /// <summary>Sample points per window, all channels.</summary>
    public static int Width => Seconds * Channels.Count;

    /// <summary>Sample column names: chest_00 … spo2_59.</summary>
    public static IReadOnlyList<string> ColumnNames { get; } =
        Channels.SelectMany(c => Enumerable.Range(0, Seconds).Select(t => $"{c}_{t:00}")).ToArray();

    /// <summary>
    /// Public physiological bounds of each channel (effort and flow in the simulator's units, SpO₂ in
    /// percent): known without looking at any recording, so a DP teacher may scale by them for free.
    /// </summary>
    public static IReadOnlyList<(double Min, double Max)> ChannelBounds { get; } = [(-4, 4), (-4, 4), (-3, 3), (80, 100)];

    /// <summary>The per-column public bounds (each channel's bounds repeated over its samples).</summary>
    public static (double Min, double Max)[] ColumnBounds() =>
        ChannelBounds.SelectMany(b => Enumerable.Repeat(b, Seconds)).ToArray();

    /// <summary>Draws the subjects' identities (the same seed gives the same subjects).</summary>
    public static ApneaSubject[] Subjects(ApneaSimulatorOptions options)
    {
        var random = new SimulationRandom(options.Seed);
        return Enumerable.Range(0, options.Subjects).Select(_ => ApneaSubject.Draw(random)).ToArray();
    }

    /// <summary>Simulates S × windows-per-subject windows, grouped by subject.</summary>
    public static WindowSet Simulate(ApneaSimulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Subjects < 2) throw new ArgumentOutOfRangeException(nameof(options), options.Subjects, "at least 2 subjects");
        if (options.WindowsPerSubject < 1) throw new ArgumentOutOfRangeException(nameof(options), options.WindowsPerSubject, "at least 1 window per subject");
        var subjects = Subjects(options);
        int rows = options.Subjects * options.WindowsPerSubject, width = Width;
        var values = new float[(long)rows * width];
        var labels = new int[rows];
        var owners = new int[rows];
        var random = new SimulationRandom(options.Seed ^ 0x57494E444F5753UL);
        for (int s = 0, row = 0; s < subjects.Length; s++)
            for (int w = 0; w < options.WindowsPerSubject; w++, row++)
            {
                owners[row] = s;
                labels[row] = Window(subjects[s], random, values.AsSpan(row * width, width)) ? 1 : 0;
            }
        return new WindowSet(values, width, labels, owners, options.Subjects, ColumnNames);
    }

    /// <summary>One window of <paramref name="subject"/> into <paramref name="output"/>; returns its label.</summary>
    private static bool Window(ApneaSubject subject, SimulationRandom random, Span<float> output)
    {
        double U(double lo, double hi) => lo + (hi - lo) * random.NextDouble();
        const int T = Seconds;
        Span<double> flowFactor = stackalloc double[T], effortFactor = stackalloc double[T], paradox = stackalloc double[T];
        Span<double> desaturation = stackalloc double[T];
        flowFactor.Fill(1);
        effortFactor.Fill(1);
        paradox.Clear();
        desaturation.Clear();

        bool label = random.Bernoulli(subject.EventPropensity);
        if (label)
        {
            // The event overlaps the window by at least 8 s: edge events are the hard cases.
            double duration = U(10, 40), start = U(8 - duration, T - 8);
            AddEvent(subject, random, start, duration, flowFactor, effortFactor, paradox, desaturation);
        }
        // An event that ended before the window: only its lagged desaturation reaches into it.
        if (random.Bernoulli(0.35))
        {
            double duration = U(10, 40), end = U(-25, -1);
            Span<double> unused = stackalloc double[T];
            unused.Fill(1);
            Span<double> unusedEffort = stackalloc double[T], unusedParadox = stackalloc double[T];
            unusedEffort.Fill(1);
            AddEvent(subject, random, end - duration, duration, unused, unusedEffort, unusedParadox, desaturation);
        }
        // A brief flow dip (a sigh, a movement): under 10 s, so not scored as an event.
        if (random.Bernoulli(0.35))
        {
            double duration = U(3, 8), start = U(0, T - duration), depth = U(0.3, 0.7);
            for (int t = 0; t < T; t++) flowFactor[t] *= 1 - (1 - depth) * Ramp(t, start, duration);
        }

        double rate = subject.BreathingRate * (1 + 0.04 * random.Normal());
        double phase = U(0, 2 * Math.PI), driftPeriod = U(30, 90), driftPhase = U(0, 2 * Math.PI);
        double spo2 = subject.SpO2Baseline + 0.4 * random.Normal();
        double noise = subject.NoiseLevel;
        for (int t = 0; t < T; t++)
        {
            double psi = 2 * Math.PI * rate * t + phase;
            double drift = 1 + 0.12 * Math.Sin(2 * Math.PI * t / driftPeriod + driftPhase);
            double lag = subject.ChestAbdomenPhase + (Math.PI - subject.ChestAbdomenPhase) * paradox[t];
            double effort = drift * effortFactor[t];
            output[t] = (float)(subject.ChestAmplitude * (effort * Math.Sin(psi) + noise * random.Normal()));
            output[T + t] = (float)(subject.AbdomenAmplitude * (effort * Math.Sin(psi - lag) + noise * random.Normal()));
            output[2 * T + t] = (float)(subject.FlowAmplitude * (drift * flowFactor[t] * Math.Cos(psi) + noise * random.Normal()));
            double saturation = Math.Min(100, spo2 - desaturation[t] + 0.3 * random.Normal());
            output[3 * T + t] = (float)Math.Round(saturation); // oximeters report whole percent
        }
        return label;
    }

    /// <summary>Adds one event of <paramref name="duration"/> s from <paramref name="start"/> (window time) to the factors.</summary>
    private static void AddEvent(ApneaSubject subject, SimulationRandom random, double start, double duration,
        Span<double> flowFactor, Span<double> effortFactor, Span<double> paradox, Span<double> desaturation)
    {
        double U(double lo, double hi) => lo + (hi - lo) * random.NextDouble();
        bool apnea = random.Bernoulli(0.5);
        bool central = apnea && random.Bernoulli(subject.CentralShare);
        double flow = apnea ? U(0.02, 0.12) : U(0.35, 0.65);
        double effort = central ? U(0.05, 0.2) : apnea ? U(0.9, 1.2) : U(0.7, 0.95);
        double paradoxDepth = apnea && !central ? U(0.5, 1) : 0;
        double severity = apnea ? 1 : 0.5;
        double drop = subject.DesaturationGain * severity * duration / 10 * U(0.7, 1.3);
        double lag = U(15, 25), recovery = U(8, 15);
        for (int t = 0; t < flowFactor.Length; t++)
        {
            double inside = Ramp(t, start, duration);
            flowFactor[t] *= 1 - (1 - flow) * inside;
            effortFactor[t] *= 1 - (1 - effort) * inside;
            paradox[t] = Math.Max(paradox[t], paradoxDepth * inside);
            // SpO₂ falls linearly over the (lagged) event, then recovers.
            double s = t - (start + lag);
            double fall = s <= 0 ? 0 : s <= duration ? drop * s / duration : Math.Max(0, drop * (1 - (s - duration) / recovery));
            desaturation[t] = Math.Max(desaturation[t], fall);
        }
    }

    /// <summary>1 inside [start, start + duration], 0 outside, with 2-s linear edges.</summary>
    private static double Ramp(double t, double start, double duration)
    {
        const double edge = 2;
        if (t < start - edge || t > start + duration + edge) return 0;
        if (t < start) return (t - start + edge) / edge;
        if (t > start + duration) return (start + duration + edge - t) / edge;
        return 1;
    }
}
