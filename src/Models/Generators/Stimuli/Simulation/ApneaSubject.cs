using DpSynth.Models.Simulation;

namespace DpSynth.Models.Generators.Stimuli.Simulation;

/// <summary>
/// One simulated sleeper's identity: what makes their recordings theirs across nights and windows.
/// Units: breaths per second, arbitrary effort/flow units, SpO₂ in percent.
/// </summary>
/// <param name="BreathingRate">Breaths per second (0.2–0.33, i.e. 12–20 per minute).</param>
/// <param name="ChestAmplitude">Amplitude of the thoracic effort belt.</param>
/// <param name="AbdomenAmplitude">Amplitude of the abdominal effort belt.</param>
/// <param name="FlowAmplitude">Amplitude of the nasal flow.</param>
/// <param name="ChestAbdomenPhase">Phase lag of the abdomen behind the chest in quiet breathing (radians).</param>
/// <param name="SpO2Baseline">Resting oxygen saturation (percent).</param>
/// <param name="DesaturationGain">Percent of desaturation per 10 s of full apnea.</param>
/// <param name="NoiseLevel">Standard deviation of the sensor noise relative to each amplitude.</param>
/// <param name="EventPropensity">Probability that a window holds a respiratory event.</param>
/// <param name="CentralShare">Share of apneas that are central (effort stops) rather than obstructive.</param>
public sealed record ApneaSubject(
    double BreathingRate,
    double ChestAmplitude,
    double AbdomenAmplitude,
    double FlowAmplitude,
    double ChestAbdomenPhase,
    double SpO2Baseline,
    double DesaturationGain,
    double NoiseLevel,
    double EventPropensity,
    double CentralShare)
{
    /// <summary>Draws an identity; subjects differ enough that windows can be traced back to them.</summary>
    internal static ApneaSubject Draw(SimulationRandom random)
    {
        double U(double lo, double hi) => lo + (hi - lo) * random.NextDouble();
        return new ApneaSubject(
            BreathingRate: U(0.2, 0.33),
            ChestAmplitude: U(0.5, 1.6),
            AbdomenAmplitude: U(0.5, 1.6),
            FlowAmplitude: U(0.4, 1.3),
            ChestAbdomenPhase: U(0, 0.9),
            SpO2Baseline: U(92.5, 98.5),
            DesaturationGain: U(1.5, 4.5),
            NoiseLevel: U(0.05, 0.25),
            EventPropensity: U(0.3, 0.7),
            CentralShare: U(0, 0.5));
    }
}
