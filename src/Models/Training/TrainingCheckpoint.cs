using DpSynth.Kernels;

namespace DpSynth.Models.Training;

/// <summary>
/// Binary checkpoint of a DP-SGD run: header (format, step, run settings that must match), then
/// little-endian float32 blocks — parameters, optimiser state, layer state. The noise key is never
/// written: with it the noise could be subtracted from the released model. Seeded runs re-derive it
/// from the seed; CSPRNG runs draw a fresh one.
/// </summary>
internal static class TrainingCheckpoint
{
    private const string Magic = "DPSYNTH-DPSGD";
    private const int Version = 1;

    public static void Write(Stream stream, DpSgdTrainer trainer, Nn.Optimizer optimizer)
    {
        using var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(Version);
        w.Write(trainer.Step);
        w.Write(optimizer.Steps);
        WriteSettings(w, trainer);
        var network = trainer.Network;
        WriteTensor(w, network.Parameters.Values);
        w.Write(optimizer.State.Count);
        foreach (var t in optimizer.State) WriteTensor(w, t);
        w.Write(network.State.Count);
        foreach (var t in network.State) WriteTensor(w, t);
    }

    /// <summary>Restores state into the trainer's tensors and returns the step to continue from.</summary>
    public static long Read(Stream stream, DpSgdTrainer trainer, Nn.Optimizer optimizer)
    {
        using var r = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        if (r.ReadString() != Magic) throw new InvalidDataException("Not a DpSynth DP-SGD checkpoint.");
        int version = r.ReadInt32();
        if (version != Version) throw new InvalidDataException($"Checkpoint format {version} is not supported (expected {Version}).");
        long step = r.ReadInt64();
        long optimizerSteps = r.ReadInt64();
        CheckSettings(r, trainer);
        var network = trainer.Network;
        ReadTensor(r, network.Parameters.Values, "parameters");
        ReadList(r, optimizer.State, "optimiser state");
        ReadList(r, network.State, "layer state");
        optimizer.Steps = optimizerSteps;
        if (step < 0 || step > trainer.TotalSteps) throw new InvalidDataException($"Checkpoint step {step} is outside the run's {trainer.TotalSteps} steps.");
        return step;
    }

    private static void WriteSettings(BinaryWriter w, DpSgdTrainer t)
    {
        w.Write(t.Options.Private);
        w.Write(t.SampleRate);
        w.Write(t.NoiseMultiplier);
        w.Write(t.Options.ClipNorm);
        w.Write(t.TotalSteps);
        w.Write(t.Network.Parameters.Length);
    }

    private static void CheckSettings(BinaryReader r, DpSgdTrainer t)
    {
        bool isPrivate = r.ReadBoolean();
        double q = r.ReadDouble(), sigma = r.ReadDouble();
        float clip = r.ReadSingle();
        long steps = r.ReadInt64();
        int length = r.ReadInt32();
        // The accountant's guarantee is for one run with fixed q, σ, C and steps: resuming under other settings would be a different run.
        if (isPrivate != t.Options.Private || q != t.SampleRate || sigma != t.NoiseMultiplier || clip != t.Options.ClipNorm || steps != t.TotalSteps)
            throw new InvalidDataException($"Checkpoint settings (private={isPrivate}, q={q}, σ={sigma}, C={clip}, steps={steps}) differ from this run's (private={t.Options.Private}, q={t.SampleRate}, σ={t.NoiseMultiplier}, C={t.Options.ClipNorm}, steps={t.TotalSteps}).");
        if (length != t.Network.Parameters.Length)
            throw new InvalidDataException($"Checkpoint holds {length} parameters but the network has {t.Network.Parameters.Length}.");
    }

    private static void WriteTensor(BinaryWriter w, Tensor t)
    {
        var host = new float[t.Length];
        t.Backend.Download(t, host);
        w.Write(host.Length);
        w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(host.AsSpan()));
    }

    private static void ReadTensor(BinaryReader r, Tensor t, string what)
    {
        int length = r.ReadInt32();
        if (length != t.Length) throw new InvalidDataException($"Checkpoint {what} hold {length} floats, expected {t.Length}.");
        var host = new float[length];
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(host.AsSpan());
        r.BaseStream.ReadExactly(bytes); // throws EndOfStreamException on a truncated file
        t.Backend.Upload(host, t);
    }

    private static void ReadList(BinaryReader r, IReadOnlyList<Tensor> tensors, string what)
    {
        int count = r.ReadInt32();
        if (count != tensors.Count) throw new InvalidDataException($"Checkpoint has {count} {what} tensors, expected {tensors.Count}.");
        foreach (var t in tensors) ReadTensor(r, t, what);
    }
}
