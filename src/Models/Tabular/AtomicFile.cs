namespace DpSynth.Models.Tabular;

/// <summary>
/// Writes a file through a temporary file in the same directory, renamed over the target only
/// when writing succeeded — so a failure (bad data, full disk, a crash) never leaves a
/// half-written output. Same directory because a rename is atomic only within one file system.
/// The temporary file is recorded in <see cref="TemporaryFiles.Shared"/>, so that an interrupted
/// process can delete it too.
/// </summary>
public static class AtomicFile
{
    /// <summary>The hidden temporary name beside <paramref name="path"/> that a write goes through first.</summary>
    public static string TemporaryPath(string path)
    {
        string full = Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar);
        return Path.Combine(Path.GetDirectoryName(full) ?? ".", $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
    }

    /// <summary>Calls <paramref name="write"/> on a stream to a temporary file, then moves it to <paramref name="path"/>.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        string temp = TemporaryPath(full);
        var files = TemporaryFiles.Shared;
        var stream = files.CreateFile(temp);
        try
        {
            using (stream)
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            files.Commit(temp, () => File.Move(temp, full, overwrite: true));
        }
        catch
        {
            files.Discard(temp);
            throw;
        }
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 (no BOM) through a temporary file.</summary>
    public static void WriteText(string path, string text) =>
        Write(path, s => s.Write(System.Text.Encoding.UTF8.GetBytes(text)));
}
