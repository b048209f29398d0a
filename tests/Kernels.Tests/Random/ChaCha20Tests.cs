using DpSynth.Kernels.Random;

namespace DpSynth.Kernels.Tests.Random;

public sealed class ChaCha20Tests
{
    [Fact]
    public void BlockFunctionMatchesRfc8439Section232()
    {
        // Key 00:01:…:1f, counter 1, nonce 00:00:00:09:00:00:00:4a:00:00:00:00.
        uint[] state =
        [
            0x61707865, 0x3320646e, 0x79622d32, 0x6b206574,
            0x03020100, 0x07060504, 0x0b0a0908, 0x0f0e0d0c,
            0x13121110, 0x17161514, 0x1b1a1918, 0x1f1e1d1c,
            0x00000001, 0x09000000, 0x4a000000, 0x00000000,
        ];
        uint[] expected =
        [
            0xe4e7f110, 0x15593bd1, 0x1fdd0f50, 0xc47120a3,
            0xc7f4d1c7, 0x0368c033, 0x9aaa2204, 0x4e6cd4c3,
            0x466482d2, 0x09aa9f07, 0x05d7c214, 0xa2028bd9,
            0xd19c12b5, 0xb94e16de, 0xe883d0cb, 0x4e3c50a2,
        ];
        var output = new uint[16];
        ChaCha20.Block(state, output);
        Assert.Equal(expected, output);
    }

    [Fact]
    public void KeystreamBlockUsesCounterAndStreamWords()
    {
        uint[] words = [0x03020100, 0x07060504, 0x0b0a0908, 0x0f0e0d0c, 0x13121110, 0x17161514, 0x1b1a1918, 0x1f1e1d1c];
        // Block 0x09000000_00000001 on stream 0x4a000000 lays out exactly like the RFC vector.
        var key = NoiseKey.FromWords(words, streamId: 0x4a000000);
        var output = new uint[16];
        ChaCha20.KeystreamBlock(key, (0x09000000UL << 32) | 1, output);
        Assert.Equal(0xe4e7f110u, output[0]);
        Assert.Equal(0x4e3c50a2u, output[15]);
    }
}
