namespace DpSynth.Models.ModelFiles;

/// <summary>
/// A model file could not be read or written: truncated, tampered, from an unsupported format
/// version, or inconsistent with itself. The message is one line naming the file and the problem.
/// </summary>
public sealed class ModelFileException : Exception
{
    /// <summary>Creates the exception for <paramref name="file"/> with a one-line description of the problem.</summary>
    /// <param name="file">The model file.</param>
    /// <param name="problem">What was wrong, e.g. "blob 'w1' fails its SHA-256 checksum".</param>
    /// <param name="inner">The underlying error, if any.</param>
    public ModelFileException(string file, string problem, Exception? inner = null)
        : base($"{file}: {problem}", inner)
    {
        File = file;
        Problem = problem;
    }

    /// <summary>The model file.</summary>
    public string File { get; }

    /// <summary>What was wrong, without the file name.</summary>
    public string Problem { get; }
}
