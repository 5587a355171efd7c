namespace TriageBot.Slack.Blocks;

/// <summary>Block Kit limits (PROTOCOLS.md §12, @slack/types); renderers stay inside them so Slack never refuses a payload.</summary>
public static class BlockLimits
{
    public const int MessageBlocks = 50;
    public const int ModalBlocks = 100;
    public const int SectionText = 3000;
    public const int SectionFields = 10;
    public const int SectionFieldText = 2000;
    public const int HeaderText = 150;
    public const int ContextElements = 10;
    public const int ActionsElements = 25;
    public const int ButtonText = 75;
    public const int ButtonValue = 2000;
    public const int ActionId = 255;
    public const int BlockId = 255;
    public const int InputLabel = 2000;
    public const int InputHint = 2000;
    public const int Placeholder = 150;
    public const int ModalTitle = 24;
    public const int ModalButton = 24;
    public const int PrivateMetadata = 3000;
    public const int CallbackId = 255;
    public const int SelectOptions = 100;
    public const int OptionText = 75;
    public const int OptionValue = 75;
    public const int CheckboxOptions = 10;
    public const int MinLengthMax = 3000;

    /// <summary>
    /// Total text across a message's blocks. Slack answers <c>msg_blocks_too_long</c> well below 50 × 3000
    /// (reported near 13 k, PROTOCOLS.md §10), so messages keep under this budget.
    /// </summary>
    public const int MessageTextBudget = 12000;

    /// <summary>The notification fallback <c>text</c> of a message.</summary>
    public const int FallbackText = 3000;
}
