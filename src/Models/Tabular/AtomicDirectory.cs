namespace DpSynth.Models.Tabular;

/// <summary>
/// Writes a directory's files into a fresh hidden sibling directory and renames it into place only
/// when everything was written, so that the directory appears whole or not at all. The temporary
/// directory is recorded in <see cref="TemporaryFiles.Shared"/>, so that an interrupted process
/// deletes it too.
/// </summary>
public static class AtomicDirectory
{
    /// <summary>Calls <paramref name="write"/> with a temporary directory, then replaces <paramref name="path"/> by it.</summary>
    public static void Write(string path, Action<string> write)
    {
        string full = Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar);
        string temp = AtomicFile.TemporaryPath(full);
        var files = TemporaryFiles.Shared;
        files.CreateDirectory(temp);
        try
        {
            write(temp);
            files.Commit(temp, () =>
            {
                if (Directory.Exists(full)) Directory.Delete(full, recursive: true);
                Directory.Move(temp, full);
            });
        }
        catch
        {
            files.Discard(temp);
            throw;
        }
    }
}
