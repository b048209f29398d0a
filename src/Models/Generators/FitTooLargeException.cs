namespace DpSynth.Models.Generators;

/// <summary>
/// A fit refused before it allocated anything large, because its estimated memory exceeds what the
/// machine offers; the message is one line with the estimate and what to change.
/// </summary>
public sealed class FitTooLargeException(string message) : Exception(message);
