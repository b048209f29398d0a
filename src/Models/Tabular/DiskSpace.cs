using System.Globalization;

namespace DpSynth.Models.Tabular;

/// <summary>There is not enough free space for an output; the message gives the estimate and what is free.</summary>
public sealed class InsufficientDiskSpaceException(string message) : IOException(message);

/// <summary>Free space on the file system that holds a path, and the refusal of a write that cannot fit.</summary>
public static class DiskSpace
{
    /// <summary>Bytes free to this user on the file system holding <paramref name="path"/> (the path need not exist), or null when unknown.</summary>
    public static long? Available(string path)
    {
        string full = Path.GetFullPath(path);
        DriveInfo? best = null;
        try
        {
            // The mount point with the longest prefix of the path is the file system that holds it.
            foreach (var drive in DriveInfo.GetDrives())
            {
                string root = drive.RootDirectory.FullName;
                if (!full.StartsWith(root, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal)) continue;
                if (root.Length > 1 && full.Length > root.Length && !root.EndsWith(Path.DirectorySeparatorChar) && full[root.Length] != Path.DirectorySeparatorChar) continue;
                if (best is null || root.Length > best.RootDirectory.FullName.Length) best = drive;
            }
            return best is { IsReady: true } ? best.AvailableFreeSpace : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    /// <summary>Throws <see cref="InsufficientDiskSpaceException"/> when <paramref name="bytes"/> will not fit beside <paramref name="path"/>.</summary>
    /// <param name="path">The file about to be written.</param>
    /// <param name="bytes">Its estimated size.</param>
    /// <param name="what">What is being written, for the message (e.g. "1000000 rows (estimated from the first 2048)").</param>
    public static void Require(string path, long bytes, string what)
    {
        if (Available(path) is not long free || bytes <= free) return;
        throw new InsufficientDiskSpaceException(string.Create(CultureInfo.InvariantCulture,
            $"{path}: writing {what} needs about {Size(bytes)}, but only {Size(free)} is free there; write fewer rows, or write shards (--shard i/n) to other disks"));
    }

    /// <summary>A byte count for people: 1.5 GB, 320 MB, 12 kB.</summary>
    public static string Size(long bytes) => bytes switch
    {
        >= 1L << 40 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 40):0.0} TB"),
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.0} GB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.0} MB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{Math.Max(1, bytes / 1024)} kB"),
    };
}
