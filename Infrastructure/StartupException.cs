namespace Arkyn.Infrastructure;

/// <summary>A configuration or environment problem that must stop start-up with one clear line.</summary>
public sealed class StartupException(string message, Exception? inner = null) : Exception(message, inner);
