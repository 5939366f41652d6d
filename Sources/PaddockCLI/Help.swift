/// Text shared by every tool's `--help`.
public enum Help {
    public static let exitCodes = """
    EXIT CODES
      0   success
      1   the answer is negative (checks failed, verification mismatch)
      2   runtime error (bad input, parse error, I/O error, bad config)
      64  usage error (unknown option, bad argument)
      75  temporary failure worth retrying (lock held, upstream unavailable)
    """
}
