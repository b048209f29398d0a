namespace DpSynth.Kernels;

/// <summary>
/// The device a user asked for cannot be used here: no such GPU, no driver, or an accelerator the
/// kernels cannot run on. The message says which device, why, and what to use instead.
/// </summary>
public sealed class DeviceUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
