using TriageBot.Core.Items;

namespace TriageBot.Storage;

/// <summary>Checks shared by both backends before an item is written.</summary>
internal static class StoredItems
{
    /// <summary>An outline has lost its free text; storing it would erase the item's description and notes.</summary>
    public static void EnsureWritable(Item item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item.IsOutline)
        {
            throw new ArgumentException($"Item {item.Number} of backlog '{item.BacklogId}' was read as an outline and cannot be stored; read the whole item to change it.", nameof(item));
        }
    }
}
