namespace DpSynth.Models.Tabular;

/// <summary>
/// The temporary files and directories that atomic writes have in progress, so that an interrupted
/// process (Ctrl-C, SIGTERM) can delete them before it exits. Creating, committing (the rename into
/// place) and deleting all happen under one lock: a cleanup never interleaves with a rename, and once
/// <see cref="DeleteAll"/> has run no new temporary file can appear.
/// </summary>
public sealed class TemporaryFiles
{
    private readonly Lock _gate = new();
    private readonly HashSet<string> _paths = new(StringComparer.Ordinal);
    private bool _closed;

    /// <summary>The registry the library's writers use.</summary>
    public static TemporaryFiles Shared { get; } = new();

    /// <summary>The temporary paths in progress now.</summary>
    public IReadOnlyCollection<string> Pending
    {
        get { lock (_gate) return _paths.ToArray(); }
    }

    /// <summary>Creates the temporary file <paramref name="path"/> (it must not exist) and records it.</summary>
    /// <exception cref="OperationCanceledException">The process is being interrupted.</exception>
    public FileStream CreateFile(string path)
    {
        lock (_gate)
        {
            ThrowIfClosed();
            var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            _paths.Add(path);
            return stream;
        }
    }

    /// <summary>Creates the temporary directory <paramref name="path"/> and records it.</summary>
    /// <exception cref="OperationCanceledException">The process is being interrupted.</exception>
    public void CreateDirectory(string path)
    {
        lock (_gate)
        {
            ThrowIfClosed();
            Directory.CreateDirectory(path);
            _paths.Add(path);
        }
    }

    /// <summary>Creates a fresh directory under the system's temporary folder, named from <paramref name="prefix"/>, and records it.</summary>
    /// <exception cref="OperationCanceledException">The process is being interrupted.</exception>
    public string CreateScratchDirectory(string prefix)
    {
        lock (_gate)
        {
            ThrowIfClosed();
            string path = Directory.CreateTempSubdirectory(prefix).FullName;
            _paths.Add(path);
            return path;
        }
    }

    /// <summary>Runs <paramref name="move"/> (the rename of <paramref name="path"/> into place) and forgets the path.</summary>
    /// <exception cref="OperationCanceledException">The process is being interrupted: nothing is moved.</exception>
    public void Commit(string path, Action move)
    {
        lock (_gate)
        {
            ThrowIfClosed();
            move();
            _paths.Remove(path);
        }
    }

    /// <summary>Deletes <paramref name="path"/> (best effort) and forgets it: a failed write cleaning up.</summary>
    public void Discard(string path)
    {
        lock (_gate)
        {
            Delete(path);
            _paths.Remove(path);
        }
    }

    /// <summary>Deletes every temporary path in progress and refuses new ones; returns how many were deleted.</summary>
    public int DeleteAll()
    {
        lock (_gate)
        {
            _closed = true;
            int deleted = _paths.Count(Delete);
            _paths.Clear();
            return deleted;
        }
    }

    private void ThrowIfClosed()
    {
        if (_closed) throw new OperationCanceledException("The process is being interrupted; no file is written.");
    }

    private static bool Delete(string path)
    {
        try
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
            else if (File.Exists(path)) File.Delete(path);
            else return false;
            return true;
        }
        catch (IOException) { return false; } // best effort: the original error matters more
        catch (UnauthorizedAccessException) { return false; }
    }
}
