namespace DpSynth.Models.ModelFiles;

/// <summary>A named float32 weight tensor stored in a model file as a raw little-endian blob.</summary>
public sealed class ModelTensor
{
    /// <summary>Creates a tensor; the product of <paramref name="shape"/> must equal the data length.</summary>
    /// <param name="name">Unique name within the model, e.g. "layer0.weight".</param>
    /// <param name="shape">Dimensions, outermost first (row-major).</param>
    /// <param name="data">Values in row-major order (not copied).</param>
    public ModelTensor(string name, IReadOnlyList<int> shape, float[] data)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        long count = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException($"Tensor {name}: dimension {d} is negative.", nameof(shape));
            count = checked(count * d);
        }
        if (count != data.Length)
            throw new ArgumentException($"Tensor {name}: shape [{string.Join(", ", shape)}] holds {count} values, data has {data.Length}.", nameof(data));
        Name = name;
        Shape = shape.ToArray();
        Data = data;
    }

    /// <summary>Unique name within the model.</summary>
    public string Name { get; }

    /// <summary>Dimensions, outermost first.</summary>
    public IReadOnlyList<int> Shape { get; }

    /// <summary>Values in row-major order.</summary>
    public float[] Data { get; }
}
