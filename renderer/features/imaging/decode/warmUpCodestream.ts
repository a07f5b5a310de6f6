/**
 * A 128×128 16-bit lossless HTJ2K codestream (a gradient with a little noise, made with the openjph
 * encoder: 64×64 code blocks, 5 decomposition levels, like CT frames). A worker decodes it while it
 * waits for its first real frame: WebAssembly functions are compiled on their first call, and
 * without this the first frame on screen pays for compiling the decoder.
 */
export const WARM_UP_SIZE = 128;
/** CRC-32 of the codestream's decoded samples (as stored, little endian). */
export const WARM_UP_CRC32 = 0x9334e9e9;
/**
 * Rounds of decoding it: enough for the hot functions to be optimised (see decodeWorker.ts). With 3,
 * the viewer's first real 512×512 decode still took 52–88 ms (against ~20 warm); with 12, 25–60 ms.
 * A real frame arriving meanwhile waits for one round at most (a few ms).
 */
export const WARM_UP_ROUNDS = 12;
export const WARM_UP_CODESTREAM = '/0//UQApQAAAAACAAAAAgAAAAAAAAAAAAAAAgAAAAIAAAAAAAAAAAAABDwEB/1AACAACAAAACv9SAAwAAgABAAUEBEAB/1wAEyCIkJCQkJCQkJCQkJCQiIiI/2QAFwABT3BlbkpQSCBWZXIgMC4zMS4wLv+QAAoAAAAAAmQAAf+TwAAuoP9//33/d/9n/1//V6/N2+L/e7X5/3dr6/9ztfG290j7APWXQgAxuADAABVwAAVYAJAgiQTJqnIIdQAiRURE/sAxgey2AMAAFoQAAWlAABKAIiIiIiIiIiTnynp6cYJ4AJAQCAQCgUD+/YhAe/YhAey6AP7+gCQAwAAW9AABdDAABOAgEAgEAoFAQCAQCEQCgfzw/p4U9PT05U9PTiBcbwCQCIIgCIIgCIIgCIL8/1OgCED37CED37CED37CED2WZAH8/x7cCEYAwAAXbwAAXeQAAVoMwzAMwzAMwzAMwzAYhmEYBsNgGAiDYRjG/M/7mDAXLgU5T6nKnKnKnp6cqenp6enp6cILx34BIAohhBBCCCGEEEIIIYQQQgghhBDi/0emv4FgAB79gAB79gAB79gAB79gAB79gAB79gAB79gAB7LMCEcCwfz+PfodMmAEwBhsAMAAL2iAAF7BAAC6sHPHHXd33N25u+Pujjt3d3d3d3d37txx586du7u7u7s7d+4A7/84edK8GkflVZON/jssrxs77snAuwtOlOKenp6enKfFODToU+KnCp0p6enp6enp1U7acp0KnpypynGp6cgqcJhcYOQEAAC3bdu2bdu2bdu2bdu2bdu2bdu2bdu2bdv/Pwz+oLJ2T/9+pbhUXbOYAk9+yT37JPfsk9+yT37JPfsk9+yT37JPfsk9+yT37JPfsk9+yT37JPfsk9liAQCEoAQWBCYEAAaA/Pnn2TmP83cPPm/S6lKnhXxZU+FMkQMCkiYAhEEAMRgahCCEQABHAv/Z';
