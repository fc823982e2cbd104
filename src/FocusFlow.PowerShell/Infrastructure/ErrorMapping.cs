using System.Management.Automation;
using FocusFlow.Core.Evaluation;
using FocusFlow.Core.IO;
using FocusFlow.Core.IO.Hub;
using FocusFlow.Core.IO.Images;
using FocusFlow.Core.IO.Models;
using FocusFlow.Core.IO.Safetensors;
using FocusFlow.Core.Runtime;
using FocusFlow.Core.UserMessages;

namespace FocusFlow.PowerShell.Infrastructure;

/// <summary>Turns engine exceptions into error records with the category and id a PowerShell user can filter on, their messages in PowerShell's spelling.</summary>
internal static class ErrorMapping
{
    public static ErrorRecord ToRecord(Exception e, object? target)
    {
        var (id, category) = e switch
        {
            ImageLoadException { InnerException: FileNotFoundException } => ("ImageNotFound", ErrorCategory.ObjectNotFound),
            ImageLoadException => ("ImageUnreadable", ErrorCategory.InvalidData),
            OutputExistsException => ("OutputExists", ErrorCategory.ResourceExists),
            CaseListException { InnerException: FileNotFoundException } => ("CaseListNotFound", ErrorCategory.ObjectNotFound),
            CaseListException => ("CaseListInvalid", ErrorCategory.InvalidData),
            EvaluationFolderException { Problem: EvaluationFolderProblem.InUse } => ("EvaluationFolderInUse", ErrorCategory.ResourceBusy),
            EvaluationFolderException => ("EvaluationOutputsDiffer", ErrorCategory.InvalidOperation),
            ArgumentException => ("InvalidParameter", ErrorCategory.InvalidArgument),
            Core.Sessions.ModelInUseException => ("ModelInUse", ErrorCategory.ResourceBusy),
            HubException h => h.Kind switch
            {
                HubErrorKind.AccessDenied => ("ModelAccessDenied", ErrorCategory.PermissionDenied),
                HubErrorKind.NotFound => ("ModelNotFound", ErrorCategory.ObjectNotFound),
                HubErrorKind.Offline or HubErrorKind.Network => ("ModelUnavailable", ErrorCategory.ConnectionError),
                HubErrorKind.Corrupt => ("ModelDownloadCorrupt", ErrorCategory.InvalidData),
                HubErrorKind.UnsafeAnswer => ("ModelDownloadRefused", ErrorCategory.SecurityError),
                HubErrorKind.InsufficientSpace => ("ModelDownloadNoSpace", ErrorCategory.ResourceUnavailable),
                _ => ("ModelInvalid", ErrorCategory.InvalidArgument),
            },
            ModelFolderException => ("ModelFolderInvalid", ErrorCategory.InvalidArgument),
            SafetensorsException => ("WeightsUnreadable", ErrorCategory.InvalidData),
            FileNotFoundException or DirectoryNotFoundException => ("FileNotFound", ErrorCategory.ObjectNotFound),
            TorchRuntimeException => ("LibTorchUnavailable", ErrorCategory.ResourceUnavailable),
            PlatformNotSupportedException => ("PlatformUnsupported", ErrorCategory.NotImplemented),
            HttpRequestException => ("PackageSourceUnavailable", ErrorCategory.ConnectionError),
            UnauthorizedAccessException => ("AccessDenied", ErrorCategory.PermissionDenied),
            IOException => ("FileError", ErrorCategory.WriteError),
            InvalidDataException => ("InvalidData", ErrorCategory.InvalidData),
            NotSupportedException => ("ModelUnsupported", ErrorCategory.NotImplemented),
            _ => ("UnexpectedError", ErrorCategory.NotSpecified),
        };
        var record = new ErrorRecord(e, id, category, target);
        // The engine names options neutrally in Message; the user reads them as this module's parameters (-Force, -Size).
        var text = UserText.Of(e);
        if (text != e.Message) record.ErrorDetails = new ErrorDetails(PowerShellSpelling.Render(text));
        return record;
    }
}
