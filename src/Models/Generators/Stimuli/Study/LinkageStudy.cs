using DpSynth.Kernels;
using DpSynth.Models.Simulation;

namespace DpSynth.Models.Generators.Stimuli.Study;

/// <summary>
/// The re-identification part of <see cref="StimuliStudy"/>: subject-level linkage
/// (<see cref="MemberLinkage"/>) averaged over random member splits of the simulated population. For
/// each split a data holder holds the members' training windows only, trains a non-DP teacher and ID
/// classifier on them and searches stimuli without and with identity inhibition; the attacker (trained
/// once on the training windows of every candidate) reads the stimuli and the controls: content-free
/// noise in the generators' range (≈ 1× when the measure is unbiased), the members' own training
/// windows (near the maximum: the measure can see identity), the same averaged half and half with the
/// noise (identity diluted inside the generators' range), the non-members' windows (near 0) and
/// stimuli searched with identity excitation (pushed to look like a member to the holder's ID classifier).
/// </summary>
/// <remarks>
/// Why several splits: on inputs unlike any window the attacker does not spread its top-1 evenly but
/// falls into a few "sink" candidates; whether those are members is luck of the split, so one split
/// can read far from 1× for inputs with no identity. Over random splits the attacker (which never
/// depends on the split) names members for identity-free inputs exactly at the member share in
/// expectation, and the spread across splits gives the mean's standard error.
/// </remarks>
internal static class LinkageStudy
{
    /// <summary>What split 0 already produced in the main study (its non-DP teacher and both searches).</summary>
    internal sealed record MainSplit(StimuliTeacher Fitted, StimulusSet Stimuli, StimulusSet? Inhibited);

    /// <summary>The training windows of every candidate, their scaling and the attacker: what every split shares.</summary>
    internal sealed record Population(WindowSet Train, WindowScaling Scaling, Classifier Attacker);

    /// <summary>
    /// The member subjects of each split, sorted: split 0 the first S_in candidates (the main study's
    /// data holder; the candidates are drawn independently, so that is a random set too), the others
    /// seeded random subsets of S_in.
    /// </summary>
    internal static int[][] MemberSplits(int candidates, int members, int splits, ulong seed)
    {
        var random = new SimulationRandom(seed ^ 0x4D454D42455253UL);
        var result = new int[splits][];
        result[0] = Enumerable.Range(0, members).ToArray();
        for (int k = 1; k < splits; k++)
        {
            var order = Enumerable.Range(0, candidates).ToArray();
            for (int i = order.Length - 1; i > 0; i--)
            {
                int j = random.Next(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
            result[k] = order.Take(members).Order().ToArray();
        }
        return result;
    }

    /// <summary>Runs every split (split 0 from <paramref name="main"/>) and averages.</summary>
    internal static StudyLinkage Run(StimuliStudyOptions options, IComputeBackend backend, Population population, int[][] splits, MainSplit main,
        IProgress<string>? progress, CancellationToken cancellation)
    {
        var rows = new List<LinkageSplit>();
        int candidates = population.Train.SubjectCount;
        var flags = splits.Select(members => (IReadOnlyList<bool>)MemberLinkage.Flags(candidates, members)).ToArray();
        for (int k = 0; k < splits.Length; k++)
        {
            cancellation.ThrowIfCancellationRequested();
            var isMember = flags[k];
            ulong seed = options.Seed ^ ((ulong)k * 0x9E3779B97F4A7C15UL);
            var fitted = k == 0 ? main.Fitted : Fit(options, backend, population, splits[k], seed, cancellation);
            var (stimuli, inhibited) = k == 0
                ? (main.Stimuli.Take(options.LinkageStimuli), main.Inhibited?.Take(options.LinkageStimuli))
                : Searches(options, backend, fitted, seed, cancellation);
            StimulusSet? excited = options.ExciteIdentity > 0
                ? StimuliStudy.Search(backend, fitted, options, options.ExciteIdentity, options.LinkageStimuli, seed ^ 2, cancellation, excite: true).Stimuli
                : null;
            var memberX = population.Scaling.Apply(population.Train.OfSubjects(splits[k]).Values);
            var nonMemberX = population.Scaling.Apply(population.Train.OfSubjects(Enumerable.Range(0, candidates).Where(s => !isMember[s]).ToArray()).Values);
            MemberLinkage? Link(float[] x) => x.Length == 0 ? null : MemberLinkage.Of(backend, population.Attacker, x, isMember);
            var noise = StimuliStudy.RangeNoise(fitted.Range, options.LinkageStimuli, options.Seed ^ (ulong)k);
            var row = new LinkageSplit(splits[k], Link(stimuli.Values), inhibited is null ? null : Link(inhibited.Values), excited is null ? null : Link(excited.Values),
                Link(noise)!, Link(Blend(memberX, noise, fitted.Range.Width, HalfIdentity))!, Link(memberX)!, Link(nonMemberX)!);
            rows.Add(row);
            progress?.Report(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"linkage split {k + 1}/{splits.Length}: stimuli {Ratio(row.Stimuli)}, inhibited {Ratio(row.Inhibited)}, excited {Ratio(row.Excited)}, noise {Ratio(row.Noise)}, half-noise member windows {Ratio(row.BlendedMemberWindows)}, member windows {Ratio(row.MemberWindows)}, non-member windows {Ratio(row.NonMemberWindows)} (top-1 member share / chance)"));
        }
        LinkageMean? Mean(IEnumerable<MemberLinkage?> values)
        {
            var pairs = values.Zip(flags).Where(p => p.First is not null).ToArray();
            return pairs.Length == 0 ? null : LinkageMean.Of(pairs.Select(p => p.First!).ToArray(), pairs.Select(p => p.Second).ToArray());
        }
        return new StudyLinkage(options.Subjects, options.NonMembers, options.Subjects / (double)candidates, options.LinkageStimuli, rows,
            Mean(rows.Select(r => r.Stimuli)), Mean(rows.Select(r => r.Inhibited)), Mean(rows.Select(r => r.Excited)), Mean(rows.Select(r => r.Noise))!, Mean(rows.Select(r => r.BlendedMemberWindows))!,
            Mean(rows.Select(r => r.MemberWindows))!, Mean(rows.Select(r => r.NonMemberWindows))!);
    }

    private static string Ratio(MemberLinkage? l) => l is null ? "-"
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{l.TopOneRatio:0.00}x (most named: {l.MostNamed}, {l.MostNamedShare:0%})");

    /// <summary>Weight of the member window in the blended control (the rest is noise from the generators' range).</summary>
    internal const float HalfIdentity = 0.5f;

    /// <summary>
    /// Row i: weight × a member window + (1 − weight) × noise row i, the windows taken evenly across
    /// all members: inputs in the generators' range with a known, diluted share of identity.
    /// </summary>
    internal static float[] Blend(float[] windows, float[] noise, int width, float weight)
    {
        int rows = noise.Length / width, available = windows.Length / width;
        var result = new float[noise.Length];
        for (int i = 0; i < rows; i++)
        {
            int w = (int)((long)i * available / rows);
            for (int j = 0; j < width; j++)
                result[i * width + j] = weight * windows[w * width + j] + (1 - weight) * noise[i * width + j];
        }
        return result;
    }

    /// <summary>A fresh data holder on split <paramref name="members"/>: non-DP teacher and ID classifier on the members' training windows.</summary>
    private static StimuliTeacher Fit(StimuliStudyOptions options, IComputeBackend backend, Population population, int[] members, ulong seed,
        CancellationToken cancellation) =>
        TeacherFitter.Fit(backend, population.Train.OfSubjects(members), population.Scaling, StimuliStudy.Levels,
            new TeacherOptions { Seed = seed, TrainIdentity = options.NeedsIdentity }, cancellation: cancellation);

    /// <summary>The split's searches without and (if asked) with identity inhibition.</summary>
    private static (StimulusSet, StimulusSet?) Searches(StimuliStudyOptions options, IComputeBackend backend, StimuliTeacher fitted, ulong seed,
        CancellationToken cancellation)
    {
        var (stimuli, _) = StimuliStudy.Search(backend, fitted, options, 0, options.LinkageStimuli, seed, cancellation);
        StimulusSet? inhibited = options.InhibitIdentity > 0
            ? StimuliStudy.Search(backend, fitted, options, options.InhibitIdentity, options.LinkageStimuli, seed ^ 1, cancellation).Stimuli
            : null;
        return (stimuli, inhibited);
    }
}
