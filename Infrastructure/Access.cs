using FluentValidation.Results;

namespace Arkyn.Infrastructure;

/// <summary>
/// Ownership rules shared by every route under a traffic source. A resource named in the path answers 404 when
/// it does not exist and 403 when it is another user's (the published contract's order); ids nested under it
/// that are not of that source answer 404, exactly as unknown ones. Read routes also let the source's members in
/// (<see cref="RequireReadableSourceAsync"/>); every other route is the owner's alone.
/// </summary>
public static class Access
{
    public static async Task RequireOwnedSourceAsync(this Db db, string sourceId, string callerId, CancellationToken ct)
    {
        var owner = await db.SourceOwnerAsync(sourceId, ct);
        if (owner is null) NotFound("trafficSourceId", "No traffic source has this id.");
        if (owner != callerId) Forbidden("This traffic source belongs to another user.");
    }

    /// <summary>
    /// For the read routes of a source: its owner and its members. Checked in the database on every call, so a removed
    /// member is refused on the next request.
    /// </summary>
    public static async Task RequireReadableSourceAsync(this Db db, string sourceId, string callerId, CancellationToken ct)
    {
        var access = await db.SourceAccessAsync(sourceId, callerId, ct);
        if (access is null) NotFound("trafficSourceId", "No traffic source has this id.");
        if (access.OwnerId != callerId && access.Role is null) Forbidden("This traffic source belongs to another user.");
    }

    /// <summary>
    /// For routes naming a child resource alone (DELETE /domain/:id …): the owner of its source decides.
    /// <paramref name="sourceOfResource"/> selects the traffic source id of the resource (empty when it does not exist).
    /// </summary>
    public static async Task RequireOwnerAsync(this Db db, IQueryable<string> sourceOfResource, string callerId, string field, string what, CancellationToken ct)
    {
        var owner = await (from sourceId in sourceOfResource
                           join s in db.TrafficSources on sourceId equals s.Id
                           select s.UserId).FirstOrDefaultAsync(ct);
        if (owner is null) NotFound(field, $"No {what} has this id.");
        if (owner != callerId) Forbidden($"This {what} belongs to another user.");
    }

    /// <summary>For the routes about one account (PUT and DELETE /user/:userId …): its own user alone; 404 when there is no such user.</summary>
    public static async Task RequireSelfAsync(this Db db, string userId, string callerId, string forbidden, CancellationToken ct)
    {
        if (userId == callerId) return;
        if (!await db.Users.AnyAsync(u => u.Id == userId, ct))
            ValidationContext.Instance.ThrowError(new ValidationFailure(Problem.GeneralErrors, "No user has this id."), StatusCodes.Status404NotFound);
        Forbidden(forbidden);
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public static void NotFound(string field, string message) =>
        ValidationContext.Instance.ThrowError(new ValidationFailure(field, message), StatusCodes.Status404NotFound);

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public static void Forbidden(string message) =>
        ValidationContext.Instance.ThrowError(new ValidationFailure(Problem.GeneralErrors, message), StatusCodes.Status403Forbidden);
}
