namespace DpSynth.Cli;

/// <summary>
/// Whether two spellings of a path name the same file: both are made absolute and every symbolic
/// link along them is resolved, so that "t.csv", "./t.csv", "../dir/t.csv" and a link to t.csv agree.
/// </summary>
internal static class PathIdentity
{
    // Links that point at links: more hops than this is a loop, and the path is compared as it stands.
    private const int MaxLinkHops = 40;

    /// <summary>Case-insensitive on the platforms whose default file systems are.</summary>
    private static StringComparison Comparison =>
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    /// <summary>The absolute path of <paramref name="path"/> with every symbolic link in it resolved (the file need not exist).</summary>
    public static string Canonical(string path)
    {
        int hops = 0;
        return Resolve(Path.GetFullPath(path), ref hops);
    }

    /// <summary>Whether two canonical paths are the same.</summary>
    public static bool Same(string a, string b) => string.Equals(Trim(a), Trim(b), Comparison);

    /// <summary>Whether canonical <paramref name="inner"/> lies strictly inside the canonical directory <paramref name="directory"/>.</summary>
    public static bool Contains(string directory, string inner)
    {
        string dir = Trim(directory);
        if (!dir.EndsWith(Path.DirectorySeparatorChar)) dir += Path.DirectorySeparatorChar;
        return inner.Length > dir.Length && inner.StartsWith(dir, Comparison);
    }

    private static string Trim(string path) => path.Length > 1 ? path.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar) : path;

    private static string Resolve(string full, ref int hops)
    {
        string? parent = Path.GetDirectoryName(full);
        if (parent is null) return full; // a root
        string name = Path.GetFileName(full);
        if (name.Length == 0) return full;
        string here = Path.Combine(Resolve(parent, ref hops), name);
        string? target;
        try { target = new FileInfo(here).LinkTarget; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return here; }
        if (target is null || ++hops > MaxLinkHops) return here;
        // A relative link target is relative to the directory holding the link.
        return Resolve(Path.GetFullPath(target, Path.GetDirectoryName(here)!), ref hops);
    }
}
