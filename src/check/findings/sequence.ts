/** One longest common subsequence of two name lists: the names that kept their relative order. */
export function longestCommonSubsequence(a: readonly string[], b: readonly string[]): Set<string> {
  const width = b.length + 1;
  // lengths[i * width + j]: LCS length of a[i..] and b[j..].
  const lengths = new Array<number>((a.length + 1) * width).fill(0);
  const at = (i: number, j: number) => lengths[i * width + j] as number;
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lengths[i * width + j] = a[i] === b[j] ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1));
    }
  }
  const kept = new Set<string>();
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i] === b[j]) {
      kept.add(a[i] as string);
      i++;
      j++;
    } else if (at(i + 1, j) >= at(i, j + 1)) i++;
    else j++;
  }
  return kept;
}

/** Pairs [first, second] that ran in this order before and run the other way round after. */
export function flippedPairs(before: readonly string[], after: readonly string[]): [string, string][] {
  const position = new Map(after.map((name, i) => [name, i]));
  const out: [string, string][] = [];
  for (let i = 0; i < before.length; i++) {
    for (let j = i + 1; j < before.length; j++) {
      const first = before[i] as string;
      const second = before[j] as string;
      if ((position.get(second) ?? 0) < (position.get(first) ?? 0)) out.push([first, second]);
    }
  }
  return out;
}
