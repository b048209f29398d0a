using System.Globalization;
using System.Net;
using System.Text;

namespace DpSynth.Models.Twins.Study;

/// <summary>
/// The study's figure as a self-contained SVG: mean test log-likelihood against the number k of
/// other centres' twins joined (k = 0 is local-only), one line for the smallest half of the
/// centres and one for all centres, with axes, ticks, labels and a legend.
/// </summary>
public static class TwinStudyPlot
{
    private const double Width = 720, Height = 460, Left = 90, Right = 30, Top = 50, Bottom = 70;

    private static readonly (string Label, string Colour, string Dash, Func<StudySummaryRow, double> Value)[] Series =
    [
        ("smallest half of centres", "#d95f02", "", s => s.MeanLogLikelihoodSmall),
        ("all centres", "#1b9e77", "6 4", s => s.MeanLogLikelihoodAll),
    ];

    /// <summary>The SVG document.</summary>
    public static string ToSvg(TwinStudyResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var rows = result.Summary;
        int maxK = rows.Max(r => r.K);
        var values = rows.SelectMany(r => Series.Select(s => s.Value(r))).Where(double.IsFinite).ToArray();
        double lo = values.Length == 0 ? -1 : values.Min(), hi = values.Length == 0 ? 0 : values.Max();
        if (hi - lo < 1e-9) { lo -= 0.01; hi += 0.01; }
        var yTicks = NiceTicks(lo, hi, 6);
        double yMin = Math.Min(lo, yTicks[0]), yMax = Math.Max(hi, yTicks[^1]);
        double plotW = Width - Left - Right, plotH = Height - Top - Bottom;
        double X(double k) => Left + plotW * (maxK == 0 ? 0.5 : k / maxK);
        double Y(double v) => Top + plotH * (1 - (v - yMin) / (yMax - yMin));

        var svg = new StringBuilder();
        svg.AppendLine(F($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"12\">"));
        svg.AppendLine(F($"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>"));
        string title = $"Synthetic twins: test log-likelihood vs parties joined ({result.Options.Family.ToString().ToLowerInvariant()}, {result.Generator}, ε = {result.Options.Epsilon.ToString(CultureInfo.InvariantCulture)}, M = {result.Options.Copies})";
        svg.AppendLine(F($"<text x=\"{Width / 2}\" y=\"24\" text-anchor=\"middle\" font-size=\"14\">{Escape(title)}</text>"));
        // Grid and ticks.
        foreach (var t in yTicks)
        {
            double y = Y(t);
            svg.AppendLine(F($"<line x1=\"{Left}\" y1=\"{y:0.##}\" x2=\"{Width - Right}\" y2=\"{y:0.##}\" stroke=\"#e6e6e6\"/>"));
            svg.AppendLine(F($"<line x1=\"{Left - 5}\" y1=\"{y:0.##}\" x2=\"{Left}\" y2=\"{y:0.##}\" stroke=\"black\"/>"));
            svg.AppendLine(F($"<text x=\"{Left - 8}\" y=\"{y + 4:0.##}\" text-anchor=\"end\">{Escape(FormatTick(t, yTicks))}</text>"));
        }
        int xStep = maxK <= 16 ? 1 : (int)Math.Ceiling(maxK / 15.0);
        for (int k = 0; k <= maxK; k += xStep)
        {
            double x = X(k);
            svg.AppendLine(F($"<line x1=\"{x:0.##}\" y1=\"{Height - Bottom}\" x2=\"{x:0.##}\" y2=\"{Height - Bottom + 5}\" stroke=\"black\"/>"));
            svg.AppendLine(F($"<text x=\"{x:0.##}\" y=\"{Height - Bottom + 19}\" text-anchor=\"middle\">{k}</text>"));
        }
        // Axes and labels.
        svg.AppendLine(F($"<line x1=\"{Left}\" y1=\"{Height - Bottom}\" x2=\"{Width - Right}\" y2=\"{Height - Bottom}\" stroke=\"black\"/>"));
        svg.AppendLine(F($"<line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{Height - Bottom}\" stroke=\"black\"/>"));
        svg.AppendLine(F($"<text x=\"{Left + plotW / 2}\" y=\"{Height - 25}\" text-anchor=\"middle\">other centres' twins joined, k (0 = local data only)</text>"));
        svg.AppendLine(F($"<text x=\"22\" y=\"{Top + plotH / 2}\" text-anchor=\"middle\" transform=\"rotate(-90 22 {Top + plotH / 2})\">mean test log-likelihood per record</text>"));
        // Lines and points.
        foreach (var (label, colour, dash, value) in Series)
        {
            var points = rows.Where(r => double.IsFinite(value(r))).Select(r => (X(r.K), Y(value(r)))).ToArray();
            if (points.Length == 0) continue;
            string path = string.Join(" ", points.Select(p => F($"{p.Item1:0.##},{p.Item2:0.##}")));
            string dashAttr = dash.Length > 0 ? $" stroke-dasharray=\"{dash}\"" : "";
            svg.AppendLine(F($"<polyline points=\"{path}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"{dashAttr}/>"));
            foreach (var (x, y) in points)
                svg.AppendLine(F($"<circle cx=\"{x:0.##}\" cy=\"{y:0.##}\" r=\"3.5\" fill=\"{colour}\"/>"));
        }
        // Legend on the right, in the half the curves leave free at large k.
        var last = rows[^1];
        double lastValue = Series.Select(x => x.Value(last)).Where(double.IsFinite).DefaultIfEmpty(yMin).Average();
        double legendH = Series.Length * 20 + 8;
        double lx = Width - Right - 215, ly = Y(lastValue) < Top + plotH / 2 ? Height - Bottom - legendH - 4 : Top + 10;
        svg.AppendLine(F($"<rect x=\"{lx - 8}\" y=\"{ly - 6}\" width=\"210\" height=\"{legendH}\" fill=\"white\" fill-opacity=\"0.85\" stroke=\"#999999\"/>"));
        for (int i = 0; i < Series.Length; i++)
        {
            var (label, colour, dash, _) = Series[i];
            double y = ly + 8 + 20 * i;
            string dashAttr = dash.Length > 0 ? $" stroke-dasharray=\"{dash}\"" : "";
            svg.AppendLine(F($"<line x1=\"{lx}\" y1=\"{y:0.##}\" x2=\"{lx + 30}\" y2=\"{y:0.##}\" stroke=\"{colour}\" stroke-width=\"2\"{dashAttr}/>"));
            svg.AppendLine(F($"<circle cx=\"{lx + 15}\" cy=\"{y:0.##}\" r=\"3.5\" fill=\"{colour}\"/>"));
            svg.AppendLine(F($"<text x=\"{lx + 40}\" y=\"{y + 4:0.##}\">{Escape(label)}</text>"));
        }
        svg.AppendLine("</svg>");
        return svg.ToString();
    }

    /// <summary>About <paramref name="count"/> round tick values (1, 2 or 5 × 10ⁿ apart) covering [lo, hi].</summary>
    internal static double[] NiceTicks(double lo, double hi, int count)
    {
        double raw = (hi - lo) / Math.Max(1, count - 1);
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = new[] { 1.0, 2, 5, 10 }.Select(m => m * magnitude).First(s => s >= raw);
        double first = Math.Floor(lo / step) * step, last = Math.Ceiling(hi / step) * step;
        var ticks = new List<double>();
        // Rounding to whole steps keeps 0.30000000000000004 out of the labels; + 0.0 turns −0 into 0.
        for (double t = first; t <= last + step * 1e-9; t += step) ticks.Add(Math.Round(t / step) * step + 0.0);
        return ticks.ToArray();
    }

    private static string FormatTick(double t, double[] ticks)
    {
        double step = ticks.Length > 1 ? ticks[1] - ticks[0] : 1;
        int decimals = Math.Max(0, (int)Math.Ceiling(-Math.Log10(step) + 1e-9));
        return t.ToString("F" + decimals, CultureInfo.InvariantCulture);
    }

    private static string Escape(string s) => WebUtility.HtmlEncode(s);

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
