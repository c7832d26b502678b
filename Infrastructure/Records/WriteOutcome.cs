namespace Arkyn.Infrastructure.Records;

public enum WriteOutcome { Created, AlreadyStored, IdTaken }
