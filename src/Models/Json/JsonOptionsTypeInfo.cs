using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace DpSynth.Models;

/// <summary>Typed access to an options object's metadata.</summary>
internal static class JsonOptionsTypeInfo
{
    /// <summary>
    /// The metadata <paramref name="options"/> resolve for <typeparamref name="T"/> (from <see cref="ModelsJsonContext"/>).
    /// Serialising through it rather than through the options gives the same bytes, and keeps the call
    /// free of the options overloads' trimming warning, which they carry whatever resolver the options hold.
    /// </summary>
    public static JsonTypeInfo<T> TypeInfo<T>(this JsonSerializerOptions options) => (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
}
