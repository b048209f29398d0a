using System.Text.Encodings.Web;
using System.Text.Json;

namespace DpSynth.Bench.Kernels;

/// <summary>Writes one JSON object per line (relaxed escaping keeps "bias+silu" and "->" readable for grep).</summary>
internal static class JsonLines
{
    // Named literals ("Infinity") rather than an exception if a rate ever divides by a zero time.
    private static readonly JsonSerializerOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static void Write(TextWriter output, object line)
    {
        output.WriteLine(JsonSerializer.Serialize(line, Options));
        output.Flush();
    }

    /// <summary>The 1-minute load average (Linux), to state how busy the shared machine was.</summary>
    public static double? LoadAverage()
    {
        try
        {
            return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}
