<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR" sourcelanguage="en">
<context>
    <name>AttachmentBar</name>
    <message>
        <location filename="../../desktop/ui/attachments.py" line="42"/>
        <source>To send:</source>
        <translation>À envoyer&#xa0;:</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/attachments.py" line="59"/>
        <source>Attach documents</source>
        <translation>Joindre des documents</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/attachments.py" line="60"/>
        <source>Documents (*.pdf *.jpg *.jpeg *.png *.heic);;All files (*)</source>
        <translation>Documents (*.pdf *.jpg *.jpeg *.png *.heic);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/attachments.py" line="71"/>
        <source>{0}: a message carries at most {1} documents.</source>
        <translation>{0}&#xa0;: un message contient au plus {1} documents.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/attachments.py" line="84"/>
        <source>Not attached</source>
        <translation>Non joint</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/attachments.py" line="85"/>
        <source>These files cannot be sent:</source>
        <translation>Ces fichiers ne peuvent pas être envoyés&#xa0;:</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/attachments.py" line="106"/>
        <source>Remove {0}</source>
        <translation>Retirer {0}</translation>
    </message>
</context>
<context>
    <name>AuditGroup</name>
    <message>
        <location filename="../../desktop/ui/audit_view.py" line="83"/>
        <source>Audit trail</source>
        <translation>Journal d’audit</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/audit_view.py" line="92"/>
        <source>Between</source>
        <translation>Entre le</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/audit_view.py" line="116"/>
        <source>Export CSV…</source>
        <translation>Exporter en CSV…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/audit_view.py" line="121"/>
        <source>and</source>
        <translation>et le</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/audit_view.py" line="139"/>
        <source>Everyone</source>
        <translation>Tout le monde</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/audit_view.py" line="140"/>
        <source>All patients</source>
        <translation>Tous les patients</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/audit_view.py" line="141"/>
        <source>All actions</source>
        <translation>Toutes les actions</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/audit_view.py" line="166"/>
        <source>{0} lines</source>
        <translation>{0} lignes</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/audit_view.py" line="174"/>
        <source>Export the audit trail</source>
        <translation>Exporter le journal d’audit</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/audit_view.py" line="175"/>
        <source>CSV files (*.csv)</source>
        <translation>Fichiers CSV (*.csv)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/audit_view.py" line="180"/>
        <source>{0} lines exported to {1}</source>
        <translation>{0} lignes exportées dans {1}</translation>
    </message>
</context>
<context>
    <name>AuditModel</name>
    <message>
        <location filename="../../desktop/ui/audit_view.py" line="58"/>
        <source>When</source>
        <translation>Quand</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/audit_view.py" line="58"/>
        <source>Who</source>
        <translation>Qui</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/audit_view.py" line="58"/>
        <source>Workstation</source>
        <translation>Poste</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/audit_view.py" line="58"/>
        <source>Action</source>
        <translation>Action</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/audit_view.py" line="59"/>
        <source>Patient</source>
        <translation>Patient</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/audit_view.py" line="59"/>
        <source>Detail</source>
        <translation>Détail</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/audit_view.py" line="75"/>
        <source>(erased)</source>
        <translation>(effacé)</translation>
    </message>
</context>
<context>
    <name>BackupStatusLabel</name>
    <message>
        <location filename="../../desktop/ui/backups.py" line="276"/>
        <source>Backup failed — see Practice settings → Backups</source>
        <extracomment>Off for a throwaway store (the demo): it must neither write to this workstation&apos;s backup folder nor touch the state of its real backups.</extracomment>
        <translation>Échec de la sauvegarde — voir Réglages du cabinet → Sauvegardes</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/backups.py" line="280"/>
        <source>Backups go to {0}</source>
        <translation>Les sauvegardes vont dans {0}</translation>
    </message>
</context>
<context>
    <name>Backups</name>
    <message>
        <location filename="../../desktop/ui/backups.py" line="81"/>
        <source>{0} GB</source>
        <extracomment>After an unlock, the first check waits for the first sync to have started. A backup made this recently stands for the one at close. Patients added or invited exist only in this store until the next backup (an invitation&apos;s code is what proves the patient&apos;s keys: the relay cannot give it back), so a backup follows such a change: this long after the last one… …but no sooner than this after the previous backup (a big store takes a minute).</extracomment>
        <translation>{0} Go</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/backups.py" line="83"/>
        <source>{0} MB</source>
        <translation>{0} Mo</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/backups.py" line="84"/>
        <source>{0} KB</source>
        <translation>{0} Ko</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/backups.py" line="90"/>
        <source>Backing up…</source>
        <translation>Sauvegarde en cours…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/backups.py" line="92"/>
        <source>No backup folder: choose one in Practice settings → Backups</source>
        <translation>Pas de dossier de sauvegarde&#xa0;: choisissez-en un dans Réglages du cabinet → Sauvegardes</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/backups.py" line="96"/>
        <source>No recovery key yet: create one in Practice settings → Backups so that backups can be made.</source>
        <translation>Pas encore de clé de secours&#xa0;: créez-en une dans Réglages du cabinet → Sauvegardes pour que les sauvegardes puissent être faites.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/backups.py" line="100"/>
        <source>The backup folder {0} cannot be reached (a USB disk removed, a network share offline?): no backup was made.</source>
        <translation>Le dossier de sauvegarde {0} est inaccessible (disque USB retiré, partage réseau hors ligne&#xa0;?)&#xa0;: aucune sauvegarde n’a été faite.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/backups.py" line="103"/>
        <source>Backup failed: {0}</source>
        <translation>Échec de la sauvegarde&#xa0;: {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/backups.py" line="106"/>
        <source>No backup yet</source>
        <translation>Aucune sauvegarde pour l’instant</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/backups.py" line="109"/>
        <source>Last backup {0}: more than two days ago</source>
        <translation>Dernière sauvegarde le {0}&#xa0;: il y a plus de deux jours</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/backups.py" line="111"/>
        <source>Backed up {0} — {1}</source>
        <translation>Sauvegardé le {0} — {1}</translation>
    </message>
</context>
<context>
    <name>BackupsGroup</name>
    <message>
        <location filename="../../desktop/ui/backup_settings.py" line="34"/>
        <source>Backups</source>
        <translation>Sauvegardes</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/backup_settings.py" line="41"/>
        <source>A USB disk, a network share, a synced folder</source>
        <translation>Un disque USB, un partage réseau, un dossier synchronisé</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/backup_settings.py" line="42"/>
        <source>Choose…</source>
        <translation>Choisir…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/backup_settings.py" line="53"/>
        <source>Back up now</source>
        <translation>Sauvegarder maintenant</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/backup_settings.py" line="58"/>
        <source>New recovery key…</source>
        <translation>Nouvelle clé de secours…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/backup_settings.py" line="75"/>
        <source>Backup folder</source>
        <translation>Dossier de sauvegarde</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/backup_settings.py" line="76"/>
        <source>Last backup</source>
        <translation>Dernière sauvegarde</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/backup_settings.py" line="78"/>
        <source>Recovery key</source>
        <translation>Clé de secours</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/backup_settings.py" line="81"/>
        <source>A backup is made every day and at every close, encrypted with the recovery key; the last 7 daily, 4 weekly and 12 monthly are kept.</source>
        <translation>Une sauvegarde est faite chaque jour et à chaque fermeture, chiffrée avec la clé de secours&#xa0;; sont gardées les 7 dernières quotidiennes, 4 hebdomadaires et 12 mensuelles.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/backup_settings.py" line="102"/>
        <source>Current sheet: key {0}</source>
        <translation>Feuille en vigueur&#xa0;: clé {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/backup_settings.py" line="103"/>
        <source>No recovery key yet: no backup can be made until one is created.</source>
        <translation>Pas encore de clé de secours&#xa0;: aucune sauvegarde ne peut être faite avant d’en créer une.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/backup_settings.py" line="112"/>
        <source>{0}, {1}, in {2}</source>
        <translation>{0}, {1}, dans {2}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/backup_settings.py" line="117"/>
        <source>No backup yet</source>
        <translation>Aucune sauvegarde pour l’instant</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/backup_settings.py" line="128"/>
        <source>Where backups go</source>
        <translation>Où vont les sauvegardes</translation>
    </message>
    <message>
        <source>Last good one:</source>
        <extracomment>desktop/ui/backup_settings.py:100</extracomment>
        <translation type="vanished">Dernière réussie&#xa0;:</translation>
    </message>
</context>
<context>
    <name>CannedRepliesEditor</name>
    <message>
        <location filename="../../desktop/ui/canned_replies.py" line="26"/>
        <source>Canned replies</source>
        <translation>Réponses types</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/canned_replies.py" line="40"/>
        <source>New</source>
        <translation>Nouvelle</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/canned_replies.py" line="43"/>
        <source>Save reply</source>
        <translation>Enregistrer la réponse</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/canned_replies.py" line="46"/>
        <source>Delete</source>
        <translation>Supprimer</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/canned_replies.py" line="50"/>
        <source>Title</source>
        <translation>Titre</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/canned_replies.py" line="51"/>
        <source>Text</source>
        <translation>Texte</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/canned_replies.py" line="103"/>
        <source>A canned reply needs a title and a text.</source>
        <translation>Une réponse type doit avoir un titre et un texte.</translation>
    </message>
</context>
<context>
    <name>ConversationView</name>
    <message>
        <location filename="../../desktop/ui/conversation.py" line="55"/>
        <source>Accept</source>
        <translation>Accepter</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/conversation.py" line="56"/>
        <source>Decline…</source>
        <translation>Refuser…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/conversation.py" line="57"/>
        <source>Close</source>
        <translation>Clôturer</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/conversation.py" line="58"/>
        <source>Reopen</source>
        <translation>Rouvrir</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/conversation.py" line="59"/>
        <source>Internal note…</source>
        <translation>Note interne…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/conversation.py" line="60"/>
        <source>Export to the file…</source>
        <translation>Exporter vers le dossier…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/conversation.py" line="62"/>
        <source>This conversation as a PDF for the patient&apos;s medical file</source>
        <translation>Cette conversation en PDF pour le dossier médical du patient</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/conversation.py" line="67"/>
        <source>Assign</source>
        <translation>Attribuer</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/conversation.py" line="86"/>
        <source>Write to the patient… (Ctrl+Enter sends)</source>
        <translation>Écrire au patient… (Ctrl+Entrée pour envoyer)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/conversation.py" line="88"/>
        <source>Send</source>
        <translation>Envoyer</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/conversation.py" line="99"/>
        <source>Attach…</source>
        <translation>Joindre…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/conversation.py" line="100"/>
        <source>Attach documents (PDF, JPEG, PNG); you can also drop files on the conversation</source>
        <translation>Joindre des documents (PDF, JPEG, PNG)&#xa0;; vous pouvez aussi déposer des fichiers sur la conversation</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/conversation.py" line="122"/>
        <source>Canned reply:</source>
        <translation>Réponse type&#xa0;:</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/conversation.py" line="158"/>
        <source>No conversation selected</source>
        <translation>Aucune conversation sélectionnée</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/conversation.py" line="171"/>
        <source>assigned to {0}</source>
        <translation>attribuée à {0}</translation>
    </message>
    <message>
        <source>Replying accepts the request.</source>
        <translation type="vanished">Votre réponse acceptera la demande.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/conversation.py" line="183"/>
        <source>Your reply will accept the request.</source>
        <translation>Votre réponse acceptera la demande.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/conversation.py" line="184"/>
        <source>Reopen the conversation to write.</source>
        <translation>Rouvrez la conversation pour écrire.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/conversation.py" line="227"/>
        <source>Show earlier messages</source>
        <translation>Afficher les messages précédents</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/conversation.py" line="260"/>
        <source>Open</source>
        <translation>Ouvrir</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/conversation.py" line="261"/>
        <source>Save as…</source>
        <translation>Enregistrer sous…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/conversation.py" line="263"/>
        <source>Stop</source>
        <translation>Arrêter</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/conversation.py" line="265"/>
        <source>Download</source>
        <translation>Télécharger</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/conversation.py" line="277"/>
        <source>Cancel sending</source>
        <translation>Annuler l&apos;envoi</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/conversation.py" line="308"/>
        <source>The practice</source>
        <translation>Le cabinet</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/conversation.py" line="331"/>
        <source>Not sent: {0} closed this conversation at {1}</source>
        <translation>Non envoyé&#xa0;: {0} a clôturé cette conversation à {1}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/conversation.py" line="334"/>
        <source>Not sent: {0} declined this request at {1}</source>
        <translation>Non envoyé&#xa0;: {0} a refusé cette demande à {1}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/conversation.py" line="337"/>
        <source>Not sent: the conversation was closed meanwhile</source>
        <translation>Non envoyé&#xa0;: la conversation a été clôturée entre-temps</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/conversation.py" line="338"/>
        <source>Not sent: the relay refused this message</source>
        <translation>Non envoyé&#xa0;: le relais a refusé ce message</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/conversation.py" line="343"/>
        <source>Internal note — patients never see it</source>
        <translation>Note interne — jamais visible par les patients</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/conversation.py" line="355"/>
        <source>Choose…</source>
        <translation>Choisir…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/conversation.py" line="413"/>
        <source>Decline the request</source>
        <translation>Refuser la demande</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/conversation.py" line="414"/>
        <source>The patient will read this reason. Suggest what to do instead (an appointment, another practitioner).</source>
        <translation>Le patient lira ce motif. Proposez-lui une autre solution (un rendez-vous, un autre praticien).</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/conversation.py" line="418"/>
        <source>Decline</source>
        <translation>Refuser</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/conversation.py" line="435"/>
        <source>Internal note</source>
        <translation>Note interne</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/conversation.py" line="436"/>
        <source>Only the practice sees notes; they never leave this store.</source>
        <translation>Seul le cabinet voit les notes&#xa0;; elles ne quittent jamais cette base.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/conversation.py" line="438"/>
        <source>Add note</source>
        <translation>Ajouter la note</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/conversation.py" line="460"/>
        <source>Nobody (back to the addressee)</source>
        <translation>Personne (retour au praticien destinataire)</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="6"/>
        <source>No messages.</source>
        <extracomment>desktop/ui/conversation.py:225</extracomment>
        <translation>Aucun message.</translation>
    </message>
</context>
<context>
    <name>DemoLauncher</name>
    <message>
        <location filename="../../desktop/ui/demo.py" line="31"/>
        <source>Preparing the demo practice and its patients…</source>
        <translation>Préparation du cabinet de démonstration et de ses patients…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/demo.py" line="42"/>
        <source>The demo practice is ready: unlock it.</source>
        <translation>Le cabinet de démonstration est prêt&#xa0;: déverrouillez-le.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/demo.py" line="46"/>
        <source>The demo could not start: {0}</source>
        <translation>La démonstration n’a pas pu démarrer&#xa0;: {0}</translation>
    </message>
</context>
<context>
    <name>DocumentActions</name>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="24"/>
        <source>{0}: {1}</source>
        <extracomment>desktop/ui/document_actions.py:45, desktop/ui/document_actions.py:59</extracomment>
        <translation>{0}&#xa0;: {1}</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="26"/>
        <source>this file is empty: there is nothing to send.</source>
        <extracomment>desktop/ui/document_actions.py:47</extracomment>
        <translation>ce fichier est vide&#xa0;: il n&apos;y a rien à envoyer.</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="28"/>
        <source>this file is too large ({0}): the limit is {1} per file.</source>
        <extracomment>desktop/ui/document_actions.py:49</extracomment>
        <translation>ce fichier est trop volumineux ({0})&#xa0;: la limite est de {1} par fichier.</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="30"/>
        <source>HEIC photos cannot be read on this computer: save the photo as JPEG or PNG and attach it again.</source>
        <extracomment>desktop/ui/document_actions.py:52</extracomment>
        <translation>les photos HEIC ne peuvent pas être lues sur cet ordinateur&#xa0;: enregistrez la photo en JPEG ou PNG et joignez-la à nouveau.</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="32"/>
        <source>this type of file cannot be sent. Accepted types: {0}.</source>
        <extracomment>desktop/ui/document_actions.py:55</extracomment>
        <translation>ce type de fichier ne peut pas être envoyé. Types acceptés&#xa0;: {0}.</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="34"/>
        <source>this file cannot be read.</source>
        <extracomment>desktop/ui/document_actions.py:58</extracomment>
        <translation>ce fichier ne peut pas être lu.</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="36"/>
        <source>sending… {0} %</source>
        <extracomment>desktop/ui/document_actions.py:67</extracomment>
        <translation>envoi… {0} %</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="38"/>
        <source>downloading… {0} %</source>
        <extracomment>desktop/ui/document_actions.py:68</extracomment>
        <translation>téléchargement… {0} %</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="40"/>
        <source>waiting for the connection to be sent</source>
        <extracomment>desktop/ui/document_actions.py:70</extracomment>
        <translation>en attente de la connexion pour être envoyé</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="42"/>
        <source>to be sent</source>
        <extracomment>desktop/ui/document_actions.py:70</extracomment>
        <translation>à envoyer</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="44"/>
        <source>damaged: it failed its integrity check and cannot be opened</source>
        <extracomment>desktop/ui/document_actions.py:72</extracomment>
        <translation>endommagé&#xa0;: le contrôle d&apos;intégrité a échoué, il ne peut pas être ouvert</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="46"/>
        <source>download stopped</source>
        <extracomment>desktop/ui/document_actions.py:75</extracomment>
        <translation>téléchargement arrêté</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="48"/>
        <source>not downloaded yet: this workstation is offline</source>
        <extracomment>desktop/ui/document_actions.py:77</extracomment>
        <translation>pas encore téléchargé&#xa0;: ce poste est hors connexion</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="50"/>
        <source>not downloaded yet</source>
        <extracomment>desktop/ui/document_actions.py:78</extracomment>
        <translation>pas encore téléchargé</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="52"/>
        <source>Document damaged</source>
        <extracomment>desktop/ui/document_actions.py:101</extracomment>
        <translation>Document endommagé</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="54"/>
        <source>This document failed its integrity check: it was not kept. Ask the patient to send it again.</source>
        <extracomment>desktop/ui/document_actions.py:101</extracomment>
        <translation>Ce document n&apos;a pas passé le contrôle d&apos;intégrité&#xa0;: il n&apos;a pas été conservé. Demandez au patient de l&apos;envoyer à nouveau.</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="56"/>
        <source>Not downloaded yet</source>
        <extracomment>desktop/ui/document_actions.py:107</extracomment>
        <translation>Pas encore téléchargé</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="58"/>
        <source>This document has not been downloaded yet and this workstation is offline. It will be downloaded as soon as the connection returns.</source>
        <extracomment>desktop/ui/document_actions.py:107</extracomment>
        <translation>Ce document n&apos;a pas encore été téléchargé et ce poste est hors connexion. Il sera téléchargé dès le retour de la connexion.</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="60"/>
        <source>Save a copy of the document</source>
        <extracomment>desktop/ui/document_actions.py:187</extracomment>
        <translation>Enregistrer une copie du document</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="62"/>
        <source>Saved to {0}</source>
        <extracomment>desktop/ui/document_actions.py:203</extracomment>
        <translation>Enregistré dans {0}</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="64"/>
        <source>Cancel sending</source>
        <extracomment>desktop/ui/document_actions.py:216, desktop/ui/document_actions.py:230</extracomment>
        <translation>Annuler l&apos;envoi</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="66"/>
        <source>Cancel sending this message and its documents? The patient will not receive it.</source>
        <extracomment>desktop/ui/document_actions.py:216</extracomment>
        <translation>Annuler l&apos;envoi de ce message et de ses documents&#xa0;? Le patient ne le recevra pas.</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="68"/>
        <source>Too late: the message has already been sent.</source>
        <extracomment>desktop/ui/document_actions.py:230</extracomment>
        <translation>Trop tard&#xa0;: le message a déjà été envoyé.</translation>
    </message>
</context>
<context>
    <name>DocumentDialog</name>
    <message>
        <location filename="../../desktop/ui/document_viewer.py" line="494"/>
        <source>Save as…</source>
        <translation>Enregistrer sous…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/document_viewer.py" line="495"/>
        <source>Close</source>
        <translation>Fermer</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/document_viewer.py" line="498"/>
        <source>Save a copy of this document on this computer</source>
        <translation>Enregistrer une copie de ce document sur cet ordinateur</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/document_viewer.py" line="531"/>
        <source>Save the document as</source>
        <translation>Enregistrer le document sous</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/document_viewer.py" line="537"/>
        <source>PDF document (*.pdf)</source>
        <translation>Document PDF (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/document_viewer.py" line="538"/>
        <source>JPEG image (*.jpg *.jpeg)</source>
        <translation>Image JPEG (*.jpg *.jpeg)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/document_viewer.py" line="539"/>
        <source>PNG image (*.png)</source>
        <translation>Image PNG (*.png)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/document_viewer.py" line="540"/>
        <source>HEIC image (*.heic *.heif)</source>
        <translation>Image HEIC (*.heic *.heif)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/document_viewer.py" line="542"/>
        <source>All files (*)</source>
        <translation>Tous les fichiers (*)</translation>
    </message>
</context>
<context>
    <name>DocumentPreview</name>
    <message>
        <location filename="../../desktop/ui/document_viewer.py" line="83"/>
        <source>Previous page</source>
        <extracomment>Larger images are decoded scaled down: a 25 MB JPEG can hold a hundred megapixels, more memory than a preview deserves (50 MP is a 200 MB decoded image already).</extracomment>
        <translation>Page précédente</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/document_viewer.py" line="86"/>
        <source>Next page</source>
        <translation>Page suivante</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/document_viewer.py" line="90"/>
        <source>Zoom out</source>
        <translation>Réduire</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/document_viewer.py" line="96"/>
        <source>Zoom in</source>
        <translation>Agrandir</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/document_viewer.py" line="98"/>
        <source>Fit the width of the window</source>
        <translation>Ajuster à la largeur de la fenêtre</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/document_viewer.py" line="99"/>
        <source>Fit width</source>
        <translation>Pleine largeur</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/document_viewer.py" line="187"/>
        <source>files of this type ({0}) cannot be previewed</source>
        <translation>les fichiers de ce type ({0}) ne peuvent pas être affichés</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/document_viewer.py" line="225"/>
        <source>the PDF file has no pages</source>
        <translation>le fichier PDF n&apos;a aucune page</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/document_viewer.py" line="237"/>
        <source>the PDF file is protected by a password</source>
        <translation>le fichier PDF est protégé par un mot de passe</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/document_viewer.py" line="239"/>
        <source>the PDF file is protected in a way this program cannot open</source>
        <translation>le fichier PDF est protégé d&apos;une manière que ce programme ne sait pas ouvrir</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/document_viewer.py" line="241"/>
        <source>the PDF file is damaged or incomplete</source>
        <translation>le fichier PDF est endommagé ou incomplet</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/document_viewer.py" line="246"/>
        <source>this computer cannot read images of this type ({0})</source>
        <translation>cet ordinateur ne sait pas lire les images de ce type ({0})</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/document_viewer.py" line="261"/>
        <source>the image is damaged or incomplete</source>
        <translation>l&apos;image est endommagée ou incomplète</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/document_viewer.py" line="284"/>
        <source>This document cannot be shown here: {0}.

Use Save as… to open it with another program.</source>
        <translation>Ce document ne peut pas être affiché ici&#xa0;: {0}.

Utilisez «&#xa0;Enregistrer sous…&#xa0;» pour l&apos;ouvrir avec un autre programme.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/document_viewer.py" line="444"/>
        <source>{0} / {1}</source>
        <translation>{0} / {1}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/document_viewer.py" line="445"/>
        <source>Page {0} of {1}</source>
        <translation>Page {0} sur {1}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/document_viewer.py" line="450"/>
        <source>{0}%</source>
        <translation>{0} %</translation>
    </message>
</context>
<context>
    <name>EraseDialog</name>
    <message>
        <location filename="../../desktop/ui/patient_rights.py" line="245"/>
        <source>Erase {0}</source>
        <translation>Effacer {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_rights.py" line="246"/>
        <source>Erase</source>
        <translation>Effacer</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_rights.py" line="251"/>
        <source>&lt;b&gt;{0}&lt;/b&gt;, born {1}, will be erased from this workstation and from the relay: the record, every conversation and document, the renewal requests and prescriptions, the notices received and the history. The patient&apos;s access to the messaging ends. &lt;b&gt;This cannot be undone.&lt;/b&gt; Export the record first if the practice must keep it.</source>
        <translation>&lt;b&gt;{0}&lt;/b&gt;, né(e) le {1}, sera effacé(e) de ce poste et du relais&#xa0;: la fiche, toutes les conversations et tous les documents, les demandes de renouvellement et les ordonnances, les informations reçues et l&apos;historique. L&apos;accès du patient à la messagerie prend fin. &lt;b&gt;C&apos;est irréversible.&lt;/b&gt; Exportez d&apos;abord le dossier si le cabinet doit le conserver.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_rights.py" line="257"/>
        <source>I understand that this cannot be undone</source>
        <translation>Je comprends que c&apos;est irréversible</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_rights.py" line="278"/>
        <source>Erasing…</source>
        <translation>Effacement en cours…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_rights.py" line="290"/>
        <source>{0} was erased. The relay never knew this patient.</source>
        <translation>{0} a été effacé(e). Le relais n&apos;a jamais connu ce patient.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_rights.py" line="293"/>
        <source>{0} was erased from this workstation. Waiting for the relay to confirm (if the workstation is offline, it is asked at the next sync)…</source>
        <translation>{0} a été effacé(e) de ce poste. En attente de la confirmation du relais (si le poste est hors ligne, il sera sollicité à la prochaine synchronisation)…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_rights.py" line="313"/>
        <source>The relay confirmed: it holds nothing of {0} any more.</source>
        <translation>Le relais a confirmé&#xa0;: il ne détient plus rien de {0}.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_rights.py" line="316"/>
        <source>The relay refused the erasure: {0}</source>
        <translation>Le relais a refusé l&apos;effacement&#xa0;: {0}</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <location filename="../../desktop/ui/record_export.py" line="46"/>
        <source>Export to the medical file</source>
        <translation>Exporter vers le dossier médical</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/record_export.py" line="47"/>
        <source>This conversation with {0} will be saved as a PDF for the patient&apos;s medical file: every message with its author and time, the documents attached (named by their SHA-256) and the renewal decisions.</source>
        <translation>Cette conversation avec {0} sera enregistrée en PDF pour le dossier médical du patient&#xa0;: chaque message avec son auteur et son heure, les documents joints (désignés par leur SHA-256) et les décisions de renouvellement.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/record_export.py" line="51"/>
        <source>All conversations with {0} will be saved as one PDF for the patient&apos;s medical file: every message with its author and time, the documents attached (named by their SHA-256) and the renewal decisions.</source>
        <translation>Toutes les conversations avec {0} seront enregistrées dans un seul PDF pour le dossier médical du patient&#xa0;: chaque message avec son auteur et son heure, les documents joints (désignés par leur SHA-256) et les décisions de renouvellement.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/record_export.py" line="56"/>
        <source>Include internal notes</source>
        <translation>Inclure les notes internes</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/record_export.py" line="58"/>
        <source>Notes are the practice&apos;s: the patient never saw them. Leave them out of a copy for the patient.</source>
        <translation>Les notes sont celles du cabinet&#xa0;: le patient ne les a jamais vues. Ne les mettez pas dans une copie destinée au patient.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/record_export.py" line="66"/>
        <source>Export…</source>
        <translation>Exporter…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/record_export.py" line="82"/>
        <source>Save the export as</source>
        <translation>Enregistrer l&apos;export sous</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/record_export.py" line="84"/>
        <source>PDF document (*.pdf)</source>
        <translation>Document PDF (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/record_export.py" line="102"/>
        <source>Preparing the PDF…</source>
        <translation>Préparation du PDF…</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="228"/>
        <source>Messages</source>
        <extracomment>desktop/ui/record_export.py:81</extracomment>
        <translation>Messages</translation>
    </message>
</context>
<context>
    <name>ExportEverythingDialog</name>
    <message>
        <location filename="../../desktop/ui/patient_rights.py" line="175"/>
        <source>Everything about {0}</source>
        <translation>Toutes les données de {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_rights.py" line="176"/>
        <source>Export</source>
        <translation>Exporter</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_rights.py" line="180"/>
        <source>One ZIP file with everything the practice holds about {0}: all conversations as a PDF, the same as FHIR, the documents, and a table of every line of the store about the patient. The ZIP is not encrypted: hand it to the patient, do not leave it lying around. The export is recorded in the patient&apos;s history.</source>
        <translation>Un fichier ZIP avec tout ce que le cabinet détient sur {0}&#xa0;: toutes les conversations en PDF, les mêmes en FHIR, les documents, et un tableau de chaque ligne de la base qui concerne le patient. Le ZIP n&apos;est pas chiffré&#xa0;: remettez-le au patient, ne le laissez pas traîner. L&apos;export est inscrit dans l&apos;historique du patient.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_rights.py" line="186"/>
        <source>In French</source>
        <translation>En français</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_rights.py" line="188"/>
        <source>In English</source>
        <translation>En anglais</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_rights.py" line="198"/>
        <source>Include internal notes</source>
        <translation>Inclure les notes internes</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_rights.py" line="200"/>
        <source>Notes are the practice&apos;s: the patient never saw them. Leave them out of a copy for the patient.</source>
        <translation>Les notes sont celles du cabinet&#xa0;: le patient ne les a jamais vues. Ne les mettez pas dans une copie destinée au patient.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_rights.py" line="210"/>
        <source>File</source>
        <translation>Fichier</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_rights.py" line="223"/>
        <source>Choose the file to write.</source>
        <translation>Choisissez le fichier à écrire.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_rights.py" line="228"/>
        <source>Exporting…</source>
        <translation>Export en cours…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_rights.py" line="234"/>
        <source>Written: {0}</source>
        <translation>Écrit&#xa0;: {0}</translation>
    </message>
</context>
<context>
    <name>FhirExportDialog</name>
    <message>
        <location filename="../../desktop/ui/patient_rights.py" line="109"/>
        <source>Export {0} as FHIR</source>
        <translation>Exporter {0} en FHIR</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_rights.py" line="110"/>
        <source>Export</source>
        <translation>Exporter</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_rights.py" line="114"/>
        <source>The conversations, renewal requests, prescriptions and notices of {0}, as FHIR R4 resources for the practice software or the DMP. The export is recorded in the patient&apos;s history.</source>
        <translation>Les conversations, demandes de renouvellement, ordonnances et informations de {0}, en ressources FHIR R4 pour le logiciel du cabinet ou le DMP. L&apos;export est inscrit dans l&apos;historique du patient.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_rights.py" line="118"/>
        <source>One JSON file (a FHIR Bundle)</source>
        <translation>Un fichier JSON (un Bundle FHIR)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_rights.py" line="120"/>
        <source>One NDJSON file per resource type</source>
        <translation>Un fichier NDJSON par type de ressource</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_rights.py" line="126"/>
        <source>Include the documents themselves</source>
        <translation>Inclure les documents eux-mêmes</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_rights.py" line="134"/>
        <source>Folder</source>
        <translation>Dossier</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_rights.py" line="147"/>
        <source>Choose the folder to export to.</source>
        <translation>Choisissez le dossier où exporter.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_rights.py" line="150"/>
        <source>Exporting…</source>
        <translation>Export en cours…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_rights.py" line="156"/>
        <source>Written: {0}</source>
        <translation>Écrit&#xa0;: {0}</translation>
    </message>
</context>
<context>
    <name>FirstRunWizard</name>
    <message>
        <location filename="../../desktop/ui/wizard.py" line="373"/>
        <source>Passerelle — first run</source>
        <translation>Passerelle — premier démarrage</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard.py" line="421"/>
        <source>Creating the encrypted store and registering…</source>
        <translation>Création de la base chiffrée et inscription auprès du relais…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard.py" line="448"/>
        <source>The store was not created: {0}</source>
        <translation>La base n’a pas été créée&#xa0;: {0}</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <location filename="../../desktop/ui/patient_import.py" line="46"/>
        <source>Import patients from a CSV file</source>
        <translation>Importer des patients depuis un fichier CSV</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_import.py" line="48"/>
        <source>Choose a file…</source>
        <translation>Choisir un fichier…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_import.py" line="51"/>
        <source>No file chosen.</source>
        <translation>Aucun fichier choisi.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_import.py" line="62"/>
        <source>Line</source>
        <translation>Ligne</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_import.py" line="62"/>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_import.py" line="62"/>
        <source>Born</source>
        <translation>Naissance</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_import.py" line="62"/>
        <source>Sex</source>
        <translation>Sexe</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_import.py" line="63"/>
        <source>Telephone</source>
        <translation>Téléphone</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_import.py" line="63"/>
        <source>File no.</source>
        <translation>N° de dossier</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_import.py" line="74"/>
        <source>Import</source>
        <translation>Importer</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_import.py" line="88"/>
        <source>Lines that will not be imported:</source>
        <translation>Lignes qui ne seront pas importées&#xa0;:</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_import.py" line="94"/>
        <source>Patient list</source>
        <translation>Liste de patients</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_import.py" line="95"/>
        <source>CSV files (*.csv *.txt)</source>
        <translation>Fichiers CSV (*.csv *.txt)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_import.py" line="95"/>
        <source>All files (*)</source>
        <translation>Tous les fichiers (*)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_import.py" line="103"/>
        <source>Reading…</source>
        <translation>Lecture…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_import.py" line="122"/>
        <source>This file cannot be imported: {0}</source>
        <translation>Ce fichier ne peut pas être importé&#xa0;: {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_import.py" line="129"/>
        <source>Columns read: {0}.</source>
        <translation>Colonnes lues&#xa0;: {0}.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_import.py" line="131"/>
        <source>Ignored: {0}.</source>
        <translation>Ignorées&#xa0;: {0}.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_import.py" line="133"/>
        <source>{0} patients ready to import, {1} lines with errors.</source>
        <translation>{0} patients prêts à être importés, {1} lignes en erreur.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_import.py" line="142"/>
        <source>Line {0}: {1}</source>
        <translation>Ligne {0}&#xa0;: {1}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_import.py" line="145"/>
        <source>Import the {0} valid lines and leave out the {1} others</source>
        <translation>Importer les {0} lignes valides et laisser de côté les {1} autres</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_import.py" line="151"/>
        <source>last name</source>
        <translation>nom</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_import.py" line="151"/>
        <source>first name</source>
        <translation>prénom</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_import.py" line="152"/>
        <source>name</source>
        <translation>nom complet</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_import.py" line="152"/>
        <source>date of birth</source>
        <translation>date de naissance</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_import.py" line="152"/>
        <source>sex</source>
        <translation>sexe</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_import.py" line="153"/>
        <source>telephone</source>
        <translation>téléphone</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_import.py" line="153"/>
        <source>email</source>
        <translation>e-mail</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_import.py" line="154"/>
        <source>file no.</source>
        <translation>n° de dossier</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_import.py" line="154"/>
        <source>last visit</source>
        <translation>dernière consultation</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_import.py" line="163"/>
        <source>Import 1 patient</source>
        <translation>Importer 1 patient</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_import.py" line="164"/>
        <source>Import {0} patients</source>
        <translation>Importer {0} patients</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_import.py" line="180"/>
        <source>{0} patients imported. {1} lines were already in the list and were left as they are.</source>
        <translation>{0} patients importés. {1} lignes figuraient déjà dans la liste et n’ont pas été modifiées.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_import.py" line="184"/>
        <source>Line {0}: {1} — {2}</source>
        <translation>Ligne {0}&#xa0;: {1} — {2}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_import.py" line="190"/>
        <source>Nothing was imported: {0}</source>
        <translation>Rien n’a été importé&#xa0;: {0}</translation>
    </message>
</context>
<context>
    <name>InboxModel</name>
    <message>
        <location filename="../../desktop/ui/inbox_model.py" line="61"/>
        <source>Patient</source>
        <translation>Patient</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/inbox_model.py" line="61"/>
        <source>Category</source>
        <translation>Catégorie</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/inbox_model.py" line="61"/>
        <source>Practitioner</source>
        <translation>Praticien</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/inbox_model.py" line="62"/>
        <source>Last message</source>
        <translation>Dernier message</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/inbox_model.py" line="62"/>
        <source>Time</source>
        <translation>Date</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/inbox_model.py" line="62"/>
        <source>Unread</source>
        <translation>Non lus</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/inbox_model.py" line="108"/>
        <source>Urgent wording: the patient sent this despite the warning to call 15 or 112</source>
        <translation>Mots d’urgence&#xa0;: le patient l’a envoyé malgré l’avertissement d’appeler le 15 ou le 112</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/inbox_model.py" line="113"/>
        <source>Urgent wording: {0}</source>
        <translation>Mots d’urgence&#xa0;: {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/inbox_model.py" line="119"/>
        <source>{0} unread</source>
        <translation>{0} non lu(s)</translation>
    </message>
</context>
<context>
    <name>InboxScreen</name>
    <message>
        <location filename="../../desktop/ui/inbox.py" line="39"/>
        <source>To process</source>
        <translation>À traiter</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/inbox.py" line="40"/>
        <source>Requests awaiting acceptance</source>
        <translation>Demandes en attente</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/inbox.py" line="41"/>
        <source>Open</source>
        <translation>Ouvertes</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/inbox.py" line="42"/>
        <source>Closed</source>
        <translation>Clôturées</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/inbox.py" line="43"/>
        <source>Assigned to me</source>
        <translation>Attribuées à moi</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/inbox.py" line="44"/>
        <source>All</source>
        <translation>Toutes</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/inbox.py" line="61"/>
        <source>Search all messages…</source>
        <translation>Rechercher dans tous les messages…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/inbox.py" line="175"/>
        <source>No conversation matches</source>
        <translation>Aucune conversation ne correspond</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/inbox.py" line="176"/>
        <source>1 conversation matches</source>
        <translation>1 conversation correspond</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/inbox.py" line="177"/>
        <source>{0} conversations match</source>
        <translation>{0} conversations correspondantes</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/inbox.py" line="180"/>
        <source>No conversation here</source>
        <translation>Aucune conversation ici</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/inbox.py" line="181"/>
        <source>1 conversation</source>
        <translation>1 conversation</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/inbox.py" line="182"/>
        <source>{0} conversations</source>
        <translation>{0} conversations</translation>
    </message>
</context>
<context>
    <name>InvitationDialog</name>
    <message>
        <location filename="../../desktop/ui/patients.py" line="43"/>
        <source>Invitation for {0}</source>
        <translation>Invitation pour {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patients.py" line="46"/>
        <source>Give this code to {0}. It works once, within {1} days, in the Passerelle patient app.</source>
        <translation>Remettez ce code à {0}. Il est valable une seule fois, pendant {1} jours, dans l’application patient Passerelle.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patients.py" line="58"/>
        <source>Print the letter…</source>
        <translation>Imprimer la lettre…</translation>
    </message>
</context>
<context>
    <name>JoinCodePage</name>
    <message>
        <location filename="../../desktop/ui/join_practice.py" line="103"/>
        <source>Approve this computer from a workstation of the practice</source>
        <translation>Approuvez cet ordinateur depuis un poste du cabinet</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/join_practice.py" line="105"/>
        <source>There, open Settings → Workstations → Add a workstation and type this code. It works once, for ten minutes.</source>
        <translation>Sur ce poste, ouvrez Réglages → Postes → Ajouter un poste et saisissez ce code. Il ne sert qu’une fois, pendant dix minutes.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/join_practice.py" line="120"/>
        <source>The other screen will show this computer&apos;s name and these numbers: check they are the same before approving.</source>
        <translation>L’autre écran affichera le nom de cet ordinateur et ces chiffres&#xa0;: vérifiez qu’ils sont identiques avant d’approuver.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/join_practice.py" line="131"/>
        <source>New code</source>
        <translation>Nouveau code</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/join_practice.py" line="139"/>
        <source>Pairing code</source>
        <translation>Code d’appairage</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/join_practice.py" line="142"/>
        <source>Fingerprint of this computer</source>
        <translation>Empreinte de cet ordinateur</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/join_practice.py" line="195"/>
        <source>Asking the relay for a pairing code…</source>
        <translation>Demande d’un code d’appairage au relais…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/join_practice.py" line="204"/>
        <source>Going on with the pairing that was interrupted…</source>
        <translation>Reprise de l’appairage interrompu…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/join_practice.py" line="214"/>
        <source>There is no interrupted pairing to go on with: go back and start again.</source>
        <translation>Aucun appairage interrompu à reprendre&#xa0;: revenez en arrière et recommencez.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/join_practice.py" line="224"/>
        <source>This computer: &lt;b&gt;{0}&lt;/b&gt;</source>
        <translation>Cet ordinateur&#xa0;: &lt;b&gt;{0}&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/join_practice.py" line="229"/>
        <source>Waiting for the approval…</source>
        <translation>En attente de l’approbation…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/join_practice.py" line="254"/>
        <source>The relay cannot be reached right now; still waiting for the approval…</source>
        <translation>Le relais est injoignable pour le moment&#xa0;; toujours en attente de l’approbation…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/join_practice.py" line="260"/>
        <source>This is not the passphrase chosen for this computer: go back and type it again.</source>
        <translation>Ce n’est pas la phrase de passe choisie pour cet ordinateur&#xa0;: revenez en arrière et saisissez-la à nouveau.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/join_practice.py" line="273"/>
        <source>Approved. Creating the encrypted store…</source>
        <translation>Approuvé. Création des données chiffrées…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/join_practice.py" line="285"/>
        <source>Receiving the practice&apos;s history…</source>
        <translation>Réception de l’historique du cabinet…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/join_practice.py" line="302"/>
        <source>Receiving the practice&apos;s history: {0} conversations so far…</source>
        <translation>Réception de l’historique du cabinet&#xa0;: {0} conversations pour l’instant…</translation>
    </message>
</context>
<context>
    <name>JoinRelayPage</name>
    <message>
        <location filename="../../desktop/ui/join_practice.py" line="51"/>
        <source>Join an existing practice</source>
        <extracomment>While the first sync runs, how often the page counts the conversations received.</extracomment>
        <translation>Rejoindre un cabinet existant</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/join_practice.py" line="53"/>
        <source>This computer becomes one more workstation of a practice that already uses Passerelle. You will need someone at one of its workstations, signed in as an administrator.</source>
        <translation>Cet ordinateur devient un poste de plus d’un cabinet qui utilise déjà Passerelle. Il faut quelqu’un à l’un de ses postes, connecté en tant qu’administrateur.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/join_practice.py" line="62"/>
        <source>Reception, Dr Martin&apos;s office, home-visit laptop…</source>
        <translation>Accueil, bureau du Dr Martin, portable des visites…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/join_practice.py" line="67"/>
        <source>Relay address</source>
        <translation>Adresse du relais</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/join_practice.py" line="68"/>
        <source>This computer&apos;s name</source>
        <translation>Nom de cet ordinateur</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/join_practice.py" line="70"/>
        <source>The name is how the other workstations will list this one. The relay address is in the practice&apos;s settings (Settings → This workstation).</source>
        <translation>C’est sous ce nom que les autres postes verront celui-ci. L’adresse du relais se trouve dans les réglages du cabinet (Réglages → Ce poste).</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/join_practice.py" line="84"/>
        <source>The relay address starts with https:// (or http://).</source>
        <translation>L’adresse du relais doit commencer par https:// (ou http://).</translation>
    </message>
</context>
<context>
    <name>LetterDialog</name>
    <message>
        <location filename="../../desktop/ui/letters.py" line="51"/>
        <source>Print…</source>
        <translation>Imprimer…</translation>
    </message>
</context>
<context>
    <name>Letters</name>
    <message>
        <location filename="../../desktop/ui/letters.py" line="156"/>
        <location filename="../../desktop/ui/letters.py" line="171"/>
        <source>Invitation letters</source>
        <translation>Lettres d&apos;invitation</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/letters.py" line="157"/>
        <source>No letter to print: {0}.</source>
        <translation>Aucune lettre à imprimer&#xa0;: {0}.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/letters.py" line="170"/>
        <source>Invitation letter</source>
        <translation>Lettre d&apos;invitation</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/letters.py" line="179"/>
        <source>Invitation letter for {0}</source>
        <translation>Lettre d&apos;invitation pour {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/letters.py" line="181"/>
        <source>{0} invitation letters</source>
        <translation>{0} lettres d&apos;invitation</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/letters.py" line="183"/>
        <source>No letter for: {0}</source>
        <translation>Pas de lettre pour&#xa0;: {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/letters.py" line="190"/>
        <source>already enrolled</source>
        <translation>déjà inscrit</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/letters.py" line="191"/>
        <source>not a patient of this practice</source>
        <translation>pas un patient du cabinet</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="66"/>
        <source>Inbox</source>
        <translation>Messagerie</translation>
    </message>
    <message>
        <source>Who is working</source>
        <translation type="vanished">Qui est au poste</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="77"/>
        <location filename="../../desktop/ui/main_window.py" line="106"/>
        <source>Lock</source>
        <translation>Verrouiller</translation>
    </message>
    <message>
        <source>Working:</source>
        <translation type="vanished">Au poste&#xa0;:</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="74"/>
        <source>Switch person</source>
        <translation>Changer de personne</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="88"/>
        <source>Not for emergencies:
patients call 15 or 112.</source>
        <translation>Pas pour les urgences&#xa0;:
les patients appellent le 15 ou le 112.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="110"/>
        <source>Search messages</source>
        <translation>Rechercher dans les messages</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="158"/>
        <source>Renewals</source>
        <translation>Renouvellements</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="161"/>
        <source>Patients</source>
        <translation>Patients</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="163"/>
        <source>Notices</source>
        <translation>Informations</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="166"/>
        <source>Practice settings</source>
        <translation>Réglages du cabinet</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="183"/>
        <source>a document</source>
        <translation>un document</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="232"/>
        <source>Warning: the audit trail was tampered with — line {0} was removed or altered outside Passerelle. Tell the practice&apos;s administrator.</source>
        <translation>Attention&#xa0;: le journal d’audit a été modifié — la ligne {0} a été supprimée ou altérée en dehors de Passerelle. Prévenez l’administrateur du cabinet.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="235"/>
        <source>Warning: the audit trail&apos;s protection had been removed outside Passerelle; it was put back. Tell the practice&apos;s administrator.</source>
        <translation>Attention&#xa0;: la protection du journal d’audit avait été retirée en dehors de Passerelle&#xa0;; elle a été rétablie. Prévenez l’administrateur du cabinet.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="240"/>
        <source>Signed in: {0}</source>
        <translation>Connecté(e)&#xa0;: {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="274"/>
        <source>A new message from a patient</source>
        <translation>Un nouveau message d’un patient</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="275"/>
        <source>{0} new messages from patients</source>
        <translation>{0} nouveaux messages de patients</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="293"/>
        <source>Passerelle — {0} to process</source>
        <translation>Passerelle — {0} à traiter</translation>
    </message>
</context>
<context>
    <name>NewRecoveryKeyDialog</name>
    <message>
        <location filename="../../desktop/ui/recovery.py" line="131"/>
        <source>New recovery key</source>
        <translation>Nouvelle clé de secours</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/recovery.py" line="135"/>
        <source>From now on, new backups open with this key only. Backups made before still need the previous sheet: keep it until they have rotated out (twelve months).</source>
        <translation>Désormais, les nouvelles sauvegardes ne s’ouvrent qu’avec cette clé. Les sauvegardes déjà faites demandent toujours l’ancienne feuille&#xa0;: gardez-la tant qu’elles sont conservées (douze mois).</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/recovery.py" line="141"/>
        <source>Use this key</source>
        <translation>Utiliser cette clé</translation>
    </message>
</context>
<context>
    <name>NoticesScreen</name>
    <message>
        <location filename="../../desktop/ui/notices.py" line="68"/>
        <source>New notice</source>
        <translation>Nouvelle information</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/notices.py" line="69"/>
        <source>Campaigns</source>
        <translation>Campagnes</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/notices.py" line="96"/>
        <source>Notices are for prevention (vaccination, screening) and news of the practice (closures, opening hours) — never for marketing. Patients can opt out of preventive notices.</source>
        <translation>Les informations servent à la prévention (vaccination, dépistage) et aux nouvelles du cabinet (fermetures, horaires) — jamais à la publicité. Les patients peuvent refuser les informations de prévention.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/notices.py" line="104"/>
        <location filename="../../desktop/ui/notices.py" line="378"/>
        <source>Prevention</source>
        <translation>Prévention</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/notices.py" line="105"/>
        <location filename="../../desktop/ui/notices.py" line="379"/>
        <source>Practice news</source>
        <translation>Vie du cabinet</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/notices.py" line="115"/>
        <source>Patients may reply</source>
        <translation>Les patients peuvent répondre</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/notices.py" line="123"/>
        <source> years</source>
        <translation> ans</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/notices.py" line="126"/>
        <source>Women and men</source>
        <translation>Femmes et hommes</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/notices.py" line="126"/>
        <source>Women</source>
        <translation>Femmes</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/notices.py" line="127"/>
        <source>Men</source>
        <translation>Hommes</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/notices.py" line="132"/>
        <source>e.g. diabetes, asthma (empty: no condition)</source>
        <translation>ex. diabète, asthme (vide&#xa0;: sans condition)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/notices.py" line="134"/>
        <source>All of these tags</source>
        <translation>Toutes ces étiquettes</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/notices.py" line="144"/>
        <source>Send now</source>
        <translation>Envoyer maintenant</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/notices.py" line="148"/>
        <source>Schedule</source>
        <translation>Programmer</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/notices.py" line="160"/>
        <source>from</source>
        <translation>du</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/notices.py" line="162"/>
        <source>to</source>
        <translation>à</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/notices.py" line="169"/>
        <source>Template</source>
        <translation>Modèle</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/notices.py" line="170"/>
        <location filename="../../desktop/ui/notices.py" line="346"/>
        <source>Kind</source>
        <translation>Type</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/notices.py" line="171"/>
        <location filename="../../desktop/ui/notices.py" line="346"/>
        <source>Title</source>
        <translation>Titre</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/notices.py" line="172"/>
        <source>Text</source>
        <translation>Texte</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/notices.py" line="175"/>
        <source>Age</source>
        <translation>Âge</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/notices.py" line="176"/>
        <source>Sex</source>
        <translation>Sexe</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/notices.py" line="177"/>
        <source>Tags</source>
        <translation>Étiquettes</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/notices.py" line="183"/>
        <source>or on</source>
        <translation>ou le</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/notices.py" line="240"/>
        <source>Nobody matches: no enrolled patient fits.</source>
        <translation>Personne&#xa0;: aucun patient inscrit ne correspond.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/notices.py" line="241"/>
        <source>1 patient will receive it:</source>
        <translation>1 patient la recevra&#xa0;:</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/notices.py" line="242"/>
        <source>{0} patients will receive it:</source>
        <translation>{0} patients la recevront&#xa0;:</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/notices.py" line="247"/>
        <source>… and {0} more</source>
        <translation>… et {0} autres</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/notices.py" line="264"/>
        <source>Choose a time in the future to schedule it.</source>
        <translation>Choisissez une date à venir pour la programmer.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/notices.py" line="321"/>
        <source>{0} of {1} sealed and handed over</source>
        <translation>{0} sur {1} chiffrées et remises au relais</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/notices.py" line="346"/>
        <location filename="../../desktop/ui/notices.py" line="380"/>
        <source>Prepared</source>
        <translation>Préparée</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/notices.py" line="346"/>
        <source>State</source>
        <translation>État</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/notices.py" line="347"/>
        <source>Recipients</source>
        <translation>Destinataires</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/notices.py" line="347"/>
        <source>Delivered</source>
        <translation>Distribué</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/notices.py" line="347"/>
        <source>Read</source>
        <translation>Lu</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/notices.py" line="347"/>
        <source>Replies</source>
        <translation>Réponses</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/notices.py" line="358"/>
        <source>Stop sending</source>
        <translation>Arrêter l’envoi</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/notices.py" line="380"/>
        <source>Scheduled</source>
        <translation>Programmée</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/notices.py" line="381"/>
        <source>Sending</source>
        <translation>Envoi en cours</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/notices.py" line="381"/>
        <source>Sent</source>
        <translation>Envoyé</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/notices.py" line="382"/>
        <source>Stopped</source>
        <translation>Arrêtée</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/notices.py" line="396"/>
        <source>Blank notice</source>
        <translation>Information vierge</translation>
    </message>
</context>
<context>
    <name>PassphrasePage</name>
    <message>
        <location filename="../../desktop/ui/wizard.py" line="196"/>
        <location filename="../../desktop/ui/wizard.py" line="215"/>
        <source>Passphrase</source>
        <translation>Phrase de passe</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard.py" line="198"/>
        <source>It encrypts everything on this computer. Without it nobody — not even us — can read the store: keep it somewhere safe.</source>
        <translation>Elle chiffre tout ce qui est enregistré sur cet ordinateur. Sans elle, personne — pas même nous — ne peut lire la base&#xa0;: conservez-la en lieu sûr.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard.py" line="218"/>
        <source>Confirm</source>
        <translation>Confirmation</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard.py" line="226"/>
        <source>Too short: at least 10 characters.</source>
        <translation>Trop courte&#xa0;: 10 caractères au minimum.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard.py" line="226"/>
        <source>Weak.</source>
        <translation>Faible.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard.py" line="227"/>
        <source>Fair.</source>
        <translation>Moyenne.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard.py" line="227"/>
        <source>Good.</source>
        <translation>Bonne.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard.py" line="227"/>
        <source>Strong.</source>
        <translation>Robuste.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard.py" line="229"/>
        <source>Several unrelated words are easier to remember and harder to guess.</source>
        <translation>Plusieurs mots sans rapport entre eux sont plus faciles à retenir et plus difficiles à deviner.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard.py" line="231"/>
        <source>The two passphrases differ.</source>
        <translation>Les deux phrases de passe sont différentes.</translation>
    </message>
</context>
<context>
    <name>PatientDialog</name>
    <message>
        <location filename="../../desktop/ui/patient_dialog.py" line="31"/>
        <source>Edit patient</source>
        <translation>Modifier le patient</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_dialog.py" line="31"/>
        <source>New patient</source>
        <translation>Nouveau patient</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_dialog.py" line="43"/>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_dialog.py" line="43"/>
        <source>Female</source>
        <translation>Féminin</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_dialog.py" line="44"/>
        <source>Male</source>
        <translation>Masculin</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_dialog.py" line="53"/>
        <source>unknown</source>
        <translation>inconnue</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_dialog.py" line="60"/>
        <source>e.g. diabetes, asthma</source>
        <translation>ex.&#xa0;: diabète, asthme</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_dialog.py" line="61"/>
        <source>Does not want preventive notices</source>
        <translation>Ne souhaite pas recevoir les messages de prévention</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_dialog.py" line="71"/>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_dialog.py" line="72"/>
        <source>Date of birth</source>
        <translation>Date de naissance</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_dialog.py" line="73"/>
        <source>Sex</source>
        <translation>Sexe</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_dialog.py" line="74"/>
        <source>Telephone</source>
        <translation>Téléphone</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_dialog.py" line="75"/>
        <source>Email</source>
        <translation>E-mail</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_dialog.py" line="76"/>
        <source>File no. (practice software)</source>
        <translation>N° de dossier (logiciel métier)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_dialog.py" line="77"/>
        <source>Last visit</source>
        <translation>Dernière consultation</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_dialog.py" line="78"/>
        <source>Tags</source>
        <translation>Étiquettes</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_dialog.py" line="102"/>
        <source>The patient needs a name.</source>
        <translation>Le nom du patient est obligatoire.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_dialog.py" line="105"/>
        <source>This email address looks wrong.</source>
        <translation>Cette adresse e-mail semble incorrecte.</translation>
    </message>
</context>
<context>
    <name>PatientDocuments</name>
    <message>
        <location filename="../../desktop/ui/patient_documents.py" line="29"/>
        <source>Open</source>
        <translation>Ouvrir</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_documents.py" line="31"/>
        <source>Save as…</source>
        <translation>Enregistrer sous…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_documents.py" line="69"/>
        <source>from the patient</source>
        <translation>envoyé par le patient</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_documents.py" line="70"/>
        <source>sent by the practice</source>
        <translation>envoyé par le cabinet</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="226"/>
        <source>renewed prescription</source>
        <extracomment>desktop/ui/patient_documents.py:65</extracomment>
        <translation>ordonnance renouvelée</translation>
    </message>
</context>
<context>
    <name>PatientsModel</name>
    <message>
        <location filename="../../desktop/ui/patients_model.py" line="40"/>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patients_model.py" line="40"/>
        <source>Born</source>
        <translation>Naissance</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patients_model.py" line="40"/>
        <source>File no.</source>
        <translation>N° de dossier</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patients_model.py" line="40"/>
        <source>Telephone</source>
        <translation>Téléphone</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patients_model.py" line="41"/>
        <source>Messaging</source>
        <translation>Messagerie</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patients_model.py" line="63"/>
        <source>Enrolled</source>
        <translation>Inscrit</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patients_model.py" line="65"/>
        <source>Revoked</source>
        <translation>Révoqué</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patients_model.py" line="66"/>
        <source>Not enrolled</source>
        <translation>Non inscrit</translation>
    </message>
</context>
<context>
    <name>PatientsScreen</name>
    <message>
        <location filename="../../desktop/ui/patients.py" line="79"/>
        <source>Find a patient: name, file no. or date of birth</source>
        <translation>Rechercher un patient&#xa0;: nom, n° de dossier ou date de naissance</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patients.py" line="82"/>
        <source>New patient</source>
        <translation>Nouveau patient</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patients.py" line="83"/>
        <source>Edit</source>
        <translation>Modifier</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patients.py" line="84"/>
        <source>Import CSV…</source>
        <translation>Importer un CSV…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patients.py" line="86"/>
        <source>Enrol for messaging</source>
        <translation>Inscrire à la messagerie</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patients.py" line="89"/>
        <source>Invitation letters…</source>
        <translation>Lettres d&apos;invitation…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patients.py" line="91"/>
        <source>One letter per selected patient, in one PDF to print; those without a code are enrolled</source>
        <translation>Une lettre par patient sélectionné, dans un seul PDF à imprimer&#xa0;; ceux qui n&apos;ont pas de code sont inscrits</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patients.py" line="93"/>
        <source>Export conversations…</source>
        <translation>Exporter les conversations…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patients.py" line="95"/>
        <source>All of this patient&apos;s conversations in one PDF for the medical file</source>
        <translation>Toutes les conversations de ce patient dans un seul PDF pour le dossier médical</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patients.py" line="134"/>
        <source>Conversations</source>
        <translation>Conversations</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patients.py" line="136"/>
        <source>Documents</source>
        <translation>Documents</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patients.py" line="139"/>
        <source>History (who did what, when)</source>
        <translation>Historique (qui a fait quoi, et quand)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patients.py" line="199"/>
        <source>No patient found</source>
        <translation>Aucun patient trouvé</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patients.py" line="200"/>
        <source>1 patient</source>
        <translation>1 patient</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patients.py" line="201"/>
        <source>{0} patients</source>
        <translation>{0} patients</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patients.py" line="227"/>
        <source>Choose a patient to see the details.</source>
        <translation>Sélectionnez un patient pour voir sa fiche.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patients.py" line="234"/>
        <source>File no. {0}</source>
        <translation>Dossier n° {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patients.py" line="236"/>
        <source>Last visit: {0}</source>
        <translation>Dernière consultation&#xa0;: {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patients.py" line="238"/>
        <source>Tags: {0}</source>
        <translation>Étiquettes&#xa0;: {0}</translation>
    </message>
</context>
<context>
    <name>PeopleGroup</name>
    <message>
        <location filename="../../desktop/ui/people_settings.py" line="35"/>
        <source>People</source>
        <translation>Personnes</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/people_settings.py" line="42"/>
        <location filename="../../desktop/ui/people_settings.py" line="124"/>
        <source>Deactivate</source>
        <translation>Désactiver</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/people_settings.py" line="48"/>
        <source>New PIN or passphrase</source>
        <translation>Nouveau code PIN ou phrase secrète</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/people_settings.py" line="49"/>
        <source>Reset the PIN</source>
        <translation>Réinitialiser le code PIN</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/people_settings.py" line="61"/>
        <source>Practitioner</source>
        <translation>Praticien</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/people_settings.py" line="62"/>
        <source>Assistant (secretariat)</source>
        <translation>Assistant(e) (secrétariat)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/people_settings.py" line="67"/>
        <source>Administrator of the practice</source>
        <translation>Administrateur du cabinet</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/people_settings.py" line="72"/>
        <source>PIN (6 digits or more) or passphrase</source>
        <translation>Code PIN (6 chiffres ou plus) ou phrase secrète</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/people_settings.py" line="73"/>
        <source>Add this person</source>
        <translation>Ajouter cette personne</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/people_settings.py" line="81"/>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/people_settings.py" line="82"/>
        <source>Role</source>
        <translation>Rôle</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/people_settings.py" line="83"/>
        <source>Profession</source>
        <translation>Profession</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/people_settings.py" line="84"/>
        <source>RPPS</source>
        <translation>RPPS</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/people_settings.py" line="86"/>
        <source>First PIN</source>
        <translation>Premier code PIN</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/people_settings.py" line="100"/>
        <source>practitioner</source>
        <translation>praticien</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/people_settings.py" line="100"/>
        <source>assistant</source>
        <translation>secrétariat</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/people_settings.py" line="103"/>
        <source>administrator</source>
        <translation>administrateur</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/people_settings.py" line="105"/>
        <source>deactivated</source>
        <translation>désactivé(e)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/people_settings.py" line="107"/>
        <source>no PIN yet</source>
        <translation>pas encore de code PIN</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/people_settings.py" line="124"/>
        <source>Reactivate</source>
        <translation>Réactiver</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/people_settings.py" line="144"/>
        <source>{0} was added.</source>
        <translation>{0} a été ajouté(e).</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/people_settings.py" line="153"/>
        <source>Deactivated.</source>
        <translation>Désactivé(e).</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/people_settings.py" line="153"/>
        <source>Reactivated.</source>
        <translation>Réactivé(e).</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/people_settings.py" line="162"/>
        <source>The PIN was changed.</source>
        <translation>Le code PIN a été changé.</translation>
    </message>
</context>
<context>
    <name>PracticePage</name>
    <message>
        <location filename="../../desktop/ui/wizard.py" line="67"/>
        <source>Your practice</source>
        <translation>Votre cabinet</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard.py" line="68"/>
        <source>As patients will see it on their invitation and in their app.</source>
        <translation>Tel que les patients le verront sur leur invitation et dans leur application.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard.py" line="76"/>
        <source>Practice name</source>
        <translation>Nom du cabinet</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard.py" line="77"/>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard.py" line="78"/>
        <source>Telephone</source>
        <translation>Téléphone</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard.py" line="80"/>
        <source>Restore from a backup…</source>
        <translation>Restaurer depuis une sauvegarde…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard.py" line="83"/>
        <source>This practice already used Passerelle: bring its store back from a backup, with the recovery key.</source>
        <translation>Ce cabinet utilisait déjà Passerelle&#xa0;: restaurez ses données depuis une sauvegarde, avec la clé de secours.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard.py" line="87"/>
        <source>Resume joining the practice…</source>
        <translation>Reprendre l’appairage avec le cabinet…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard.py" line="88"/>
        <source>Join an existing practice…</source>
        <translation>Rejoindre un cabinet existant…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard.py" line="91"/>
        <source>The practice already works with Passerelle on another computer: make this one another of its workstations, approved from there.</source>
        <translation>Le cabinet utilise déjà Passerelle sur un autre ordinateur&#xa0;: faites de celui-ci un poste de plus du cabinet, approuvé depuis là-bas.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard.py" line="95"/>
        <source>Already a Passerelle practice?</source>
        <translation>Déjà équipé de Passerelle&#xa0;?</translation>
    </message>
</context>
<context>
    <name>PractitionersPage</name>
    <message>
        <location filename="../../desktop/ui/wizard.py" line="113"/>
        <source>Practitioners</source>
        <translation>Praticiens</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard.py" line="115"/>
        <source>Only practitioners who accept messaging can receive patients&apos; requests.</source>
        <translation>Seuls les praticiens qui acceptent la messagerie peuvent recevoir les demandes des patients.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard.py" line="120"/>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard.py" line="120"/>
        <source>Profession</source>
        <translation>Profession</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard.py" line="120"/>
        <source>RPPS (optional)</source>
        <translation>RPPS (facultatif)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard.py" line="121"/>
        <source>Accepts messaging</source>
        <translation>Accepte la messagerie</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard.py" line="130"/>
        <source>Add a practitioner</source>
        <translation>Ajouter un praticien</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard.py" line="133"/>
        <source>Remove</source>
        <translation>Retirer</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard.py" line="182"/>
        <source>Add at least one practitioner (a name is enough).</source>
        <translation>Ajoutez au moins un praticien (un nom suffit).</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard.py" line="187"/>
        <source>The RPPS number of {0} must be 11 digits.</source>
        <translation>Le numéro RPPS de {0} doit comporter 11 chiffres.</translation>
    </message>
</context>
<context>
    <name>QFileDialog</name>
    <message>
        <location filename="../../desktop/ui/renewal_rules.py" line="109"/>
        <source>Signature image (PNG)</source>
        <translation>Image de la signature (PNG)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewal_rules.py" line="110"/>
        <source>PNG images (*.png)</source>
        <translation>Images PNG (*.png)</translation>
    </message>
</context>
<context>
    <name>RecordActions</name>
    <message>
        <location filename="../../desktop/ui/patient_rights.py" line="327"/>
        <source>Export FHIR…</source>
        <translation>Exporter en FHIR…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_rights.py" line="328"/>
        <source>Export everything…</source>
        <translation>Tout exporter…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_rights.py" line="330"/>
        <source>Erase this patient…</source>
        <translation>Effacer ce patient…</translation>
    </message>
</context>
<context>
    <name>RecoveryKeyPage</name>
    <message>
        <location filename="../../desktop/ui/wizard.py" line="244"/>
        <source>Recovery key</source>
        <translation>Clé de secours</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard.py" line="246"/>
        <source>The key that opens the practice&apos;s backups when no passphrase can.</source>
        <translation>La clé qui ouvre les sauvegardes du cabinet quand aucune phrase de passe ne le peut.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard.py" line="251"/>
        <source>Optional: can be chosen later in the settings</source>
        <translation>Facultatif&#xa0;: peut être choisi plus tard dans les réglages</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard.py" line="252"/>
        <source>Choose…</source>
        <translation>Choisir…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard.py" line="256"/>
        <source>Backups go to</source>
        <translation>Sauvegardes dans</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard.py" line="265"/>
        <source>Where backups go</source>
        <translation>Où vont les sauvegardes</translation>
    </message>
</context>
<context>
    <name>RecoveryKeyPanel</name>
    <message>
        <location filename="../../desktop/ui/recovery.py" line="46"/>
        <source>Save the recovery sheet</source>
        <translation>Enregistrer la feuille de secours</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/recovery.py" line="48"/>
        <source>PDF (*.pdf)</source>
        <translation>PDF (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/recovery.py" line="60"/>
        <source>Sheet saved to {0}. Print it, put it in the safe, then delete the file.</source>
        <translation>Feuille enregistrée dans {0}. Imprimez-la, rangez-la dans le coffre, puis supprimez le fichier.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/recovery.py" line="66"/>
        <source>The sheet was not saved: {0}</source>
        <translation>La feuille n’a pas été enregistrée&#xa0;: {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/recovery.py" line="82"/>
        <source>Backups are encrypted with this recovery key, not with anyone&apos;s passphrase. If this computer is lost or the passphrase forgotten, it is the only way to restore the practice&apos;s messages. It is shown once: print the sheet and keep it in the practice&apos;s safe.</source>
        <translation>Les sauvegardes sont chiffrées avec cette clé de secours, et non avec la phrase de passe de quelqu’un. Si cet ordinateur est perdu ou la phrase de passe oubliée, c’est le seul moyen de restaurer les messages du cabinet. Elle n’est affichée qu’une fois&#xa0;: imprimez la feuille et rangez-la dans le coffre du cabinet.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/recovery.py" line="97"/>
        <source>Print the recovery sheet…</source>
        <translation>Imprimer la feuille de secours…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/recovery.py" line="104"/>
        <source>I have printed the sheet (or written the key down) and put it away safely.</source>
        <translation>J’ai imprimé la feuille (ou noté la clé) et je l’ai rangée en lieu sûr.</translation>
    </message>
</context>
<context>
    <name>RelayPage</name>
    <message>
        <location filename="../../desktop/ui/wizard.py" line="331"/>
        <source>Relay</source>
        <translation>Relais</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard.py" line="333"/>
        <source>The relay carries encrypted messages between the practice and its patients. Its operator gave you its address and a one-time enrolment token.</source>
        <translation>Le relais transmet les messages chiffrés entre le cabinet et ses patients. Son opérateur vous a communiqué son adresse et un jeton d’inscription à usage unique.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard.py" line="344"/>
        <source>Relay address</source>
        <translation>Adresse du relais</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard.py" line="345"/>
        <source>Enrolment token</source>
        <translation>Jeton d’inscription</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard.py" line="358"/>
        <source>The relay address starts with https:// (or http://).</source>
        <translation>L’adresse du relais doit commencer par https:// (ou http://).</translation>
    </message>
</context>
<context>
    <name>RenewalForm</name>
    <message>
        <location filename="../../desktop/ui/renewal_form.py" line="36"/>
        <source>Renew for {0}</source>
        <translation>Renouvellement pour {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewal_form.py" line="42"/>
        <source>Treatment</source>
        <translation>Traitement</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewal_form.py" line="42"/>
        <source>Dosage</source>
        <translation>Posologie</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewal_form.py" line="42"/>
        <source>Duration (days)</source>
        <translation>Durée (jours)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewal_form.py" line="43"/>
        <source>Quantity</source>
        <translation>Quantité</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewal_form.py" line="43"/>
        <source>Renewals</source>
        <translation>Renouvellements</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewal_form.py" line="53"/>
        <source>Add a treatment</source>
        <translation>Ajouter un traitement</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewal_form.py" line="55"/>
        <source>Remove the selected treatment</source>
        <translation>Retirer le traitement sélectionné</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewal_form.py" line="63"/>
        <source>Why renew anyway (kept in the patient&apos;s history)</source>
        <translation>Pourquoi renouveler malgré tout (conservé dans l’historique du patient)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewal_form.py" line="66"/>
        <source>Message to the patient (optional)</source>
        <translation>Message au patient (facultatif)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewal_form.py" line="70"/>
        <source>Printed on the prescription (optional)</source>
        <translation>Imprimé sur l’ordonnance (facultatif)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewal_form.py" line="76"/>
        <source>Approve and send the prescription</source>
        <translation>Accepter et envoyer l’ordonnance</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewal_form.py" line="83"/>
        <source>Override</source>
        <translation>Passer outre</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewal_form.py" line="84"/>
        <source>To the patient</source>
        <translation>Au patient</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewal_form.py" line="85"/>
        <source>On the prescription</source>
        <translation>Sur l’ordonnance</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewal_form.py" line="132"/>
        <source>A renewal needs at least one treatment.</source>
        <translation>Un renouvellement comporte au moins un traitement.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewal_form.py" line="136"/>
        <source>Fill in the treatment, dosage and quantity of line {0}.</source>
        <translation>Indiquez le traitement, la posologie et la quantité de la ligne {0}.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewal_form.py" line="141"/>
        <source>This request is flagged: give a reason to renew it anyway, or ask for an appointment instead.</source>
        <translation>Cette demande est signalée&#xa0;: indiquez pourquoi la renouveler malgré tout, ou demandez plutôt un rendez-vous.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewal_form.py" line="144"/>
        <source>Preparing the prescription…</source>
        <translation>Préparation de l’ordonnance…</translation>
    </message>
</context>
<context>
    <name>RenewalQueueModel</name>
    <message>
        <location filename="../../desktop/ui/renewals_model.py" line="53"/>
        <source>Patient</source>
        <translation>Patient</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewals_model.py" line="53"/>
        <source>Age</source>
        <translation>Âge</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewals_model.py" line="53"/>
        <source>Treatments</source>
        <translation>Traitements</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewals_model.py" line="54"/>
        <source>Last renewal</source>
        <translation>Dernier renouvellement</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewals_model.py" line="54"/>
        <source>Last visit</source>
        <translation>Dernière consultation</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewals_model.py" line="54"/>
        <source>Waiting</source>
        <translation>Attente</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewals_model.py" line="55"/>
        <source>Check</source>
        <translation>Contrôle</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewals_model.py" line="73"/>
        <source>never</source>
        <translation>jamais</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewals_model.py" line="75"/>
        <source>unknown</source>
        <translation>inconnue</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewals_model.py" line="79"/>
        <source>⚠ {0}</source>
        <translation>⚠ {0}</translation>
    </message>
</context>
<context>
    <name>RenewalRulesEditor</name>
    <message>
        <location filename="../../desktop/ui/renewal_rules.py" line="27"/>
        <source>Renewal rules</source>
        <translation>Règles de renouvellement</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewal_rules.py" line="30"/>
        <source>Flag when the last visit is older than</source>
        <translation>Signaler quand la dernière visite date de plus de</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewal_rules.py" line="35"/>
        <source> months</source>
        <translation> mois</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewal_rules.py" line="37"/>
        <source>Flag a treatment still covered, with a margin of</source>
        <translation>Signaler un traitement encore couvert, avec une marge de</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewal_rules.py" line="41"/>
        <source> days</source>
        <translation> jours</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewal_rules.py" line="46"/>
        <source>One treatment per line</source>
        <translation>Un traitement par ligne</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewal_rules.py" line="50"/>
        <source>Save the rules</source>
        <translation>Enregistrer les règles</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewal_rules.py" line="67"/>
        <source>Never renewed remotely</source>
        <translation>Jamais renouvelés à distance</translation>
    </message>
</context>
<context>
    <name>RenewalsScreen</name>
    <message>
        <location filename="../../desktop/ui/renewals.py" line="76"/>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewals.py" line="76"/>
        <source>Treatment</source>
        <translation>Traitement</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewals.py" line="76"/>
        <source>Dosage</source>
        <translation>Posologie</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewals.py" line="76"/>
        <source>Duration</source>
        <translation>Durée</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewals.py" line="77"/>
        <source>Renewals</source>
        <translation>Renouvellements</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewals.py" line="85"/>
        <source>Approve…</source>
        <translation>Accepter…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewals.py" line="87"/>
        <source>Decline…</source>
        <translation>Refuser…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewals.py" line="88"/>
        <source>Appointment needed…</source>
        <translation>Rendez-vous nécessaire…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewals.py" line="90"/>
        <source>Open the conversation</source>
        <translation>Ouvrir la conversation</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewals.py" line="104"/>
        <source>Earlier renewals of these treatments</source>
        <translation>Renouvellements précédents de ces traitements</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewals.py" line="159"/>
        <source>No renewal request waits</source>
        <translation>Aucune demande de renouvellement en attente</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewals.py" line="160"/>
        <source>1 request waits</source>
        <translation>1 demande en attente</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewals.py" line="161"/>
        <source>{0} requests wait</source>
        <translation>{0} demandes en attente</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewals.py" line="184"/>
        <source>No request selected</source>
        <translation>Aucune demande sélectionnée</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewals.py" line="190"/>
        <source>{0}, {1} years</source>
        <translation>{0}, {1} ans</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewals.py" line="191"/>
        <source>Asks on {0} to renew: &lt;b&gt;{1}&lt;/b&gt;</source>
        <translation>Demande le {0} le renouvellement de&#xa0;: &lt;b&gt;{1}&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewals.py" line="195"/>
        <source>unknown</source>
        <translation>inconnue</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewals.py" line="196"/>
        <source>Last visit: {0}</source>
        <translation>Dernière consultation&#xa0;: {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewals.py" line="201"/>
        <source>Suggested: ask for an appointment.</source>
        <translation>Suggestion&#xa0;: demander un rendez-vous.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewals.py" line="212"/>
        <source>{0} days</source>
        <translation>{0} jours</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewals.py" line="250"/>
        <source>Decline the renewal</source>
        <translation>Refuser le renouvellement</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewals.py" line="251"/>
        <source>The patient reads this reason. No prescription is made.</source>
        <translation>Le patient lira ce motif. Aucune ordonnance n’est établie.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewals.py" line="254"/>
        <source>Decline</source>
        <translation>Refuser</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewals.py" line="262"/>
        <source>Appointment needed</source>
        <translation>Rendez-vous nécessaire</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewals.py" line="263"/>
        <source>The patient is asked to make an appointment. Add a message if you wish.</source>
        <translation>Le patient est invité à prendre rendez-vous. Ajoutez un message si vous le souhaitez.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewals.py" line="266"/>
        <source>Ask for an appointment</source>
        <translation>Demander un rendez-vous</translation>
    </message>
</context>
<context>
    <name>RestoreDialog</name>
    <message>
        <location filename="../../desktop/ui/recovery.py" line="242"/>
        <source>Restore the latest good backup</source>
        <translation>Restaurer la dernière bonne sauvegarde</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/recovery.py" line="245"/>
        <source>Looking for backups in {0}…</source>
        <translation>Recherche des sauvegardes dans {0}…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/recovery.py" line="249"/>
        <source>The damaged store is kept aside, not deleted. Once restored, the workstation fetches again from the relay everything that arrived or was sent since the backup; notes and patients added on this computer since then are not in it.</source>
        <translation>Les données endommagées sont mises de côté, pas effacées. Une fois la sauvegarde restaurée, le poste récupère auprès du relais tout ce qui est arrivé ou a été envoyé depuis&#xa0;; les notes et les patients ajoutés sur cet ordinateur depuis n’y sont pas.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/recovery.py" line="257"/>
        <source>Restore</source>
        <translation>Restaurer</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/recovery.py" line="275"/>
        <source>No backup was found in the backup folder: choose a backup file.</source>
        <translation>Aucune sauvegarde dans le dossier de sauvegarde&#xa0;: choisissez un fichier de sauvegarde.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/recovery.py" line="279"/>
        <source>Latest backup: {0}, {1}, in {2}</source>
        <translation>Dernière sauvegarde&#xa0;: {0}, {1}, dans {2}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/recovery.py" line="286"/>
        <source>Too short: at least 10 characters.</source>
        <translation>Trop courte&#xa0;: 10 caractères au minimum.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/recovery.py" line="287"/>
        <source>The two passphrases differ.</source>
        <translation>Les deux phrases de passe sont différentes.</translation>
    </message>
</context>
<context>
    <name>RestoreForm</name>
    <message>
        <location filename="../../desktop/ui/recovery.py" line="167"/>
        <source>A .pbackup file from the backup folder</source>
        <translation>Un fichier .pbackup du dossier de sauvegarde</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/recovery.py" line="168"/>
        <source>Choose…</source>
        <translation>Choisir…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/recovery.py" line="188"/>
        <source>Backup</source>
        <translation>Sauvegarde</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/recovery.py" line="189"/>
        <source>Recovery key</source>
        <translation>Clé de secours</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/recovery.py" line="190"/>
        <source>New passphrase</source>
        <translation>Nouvelle phrase de passe</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/recovery.py" line="191"/>
        <source>Confirm</source>
        <translation>Confirmation</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/recovery.py" line="199"/>
        <source>Choose a backup</source>
        <translation>Choisir une sauvegarde</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/recovery.py" line="200"/>
        <source>Passerelle backups (*.pbackup);;All files (*)</source>
        <translation>Sauvegardes Passerelle (*.pbackup);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/recovery.py" line="211"/>
        <source>Too short: at least 10 characters.</source>
        <translation>Trop courte&#xa0;: 10 caractères au minimum.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/recovery.py" line="213"/>
        <source>The two passphrases differ.</source>
        <translation>Les deux phrases de passe sont différentes.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/recovery.py" line="223"/>
        <source>Checking the backup and restoring it…</source>
        <translation>Vérification et restauration de la sauvegarde…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/recovery.py" line="231"/>
        <source>Nothing was restored: {0}</source>
        <translation>Rien n’a été restauré&#xa0;: {0}</translation>
    </message>
</context>
<context>
    <name>RestorePage</name>
    <message>
        <location filename="../../desktop/ui/wizard.py" line="280"/>
        <source>Restore from a backup</source>
        <translation>Restaurer depuis une sauvegarde</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard.py" line="282"/>
        <source>Choose the backup, type the recovery key from the practice&apos;s sheet and a new passphrase. Messages since the backup come back from the relay.</source>
        <translation>Choisissez la sauvegarde, tapez la clé de secours de la feuille du cabinet et une nouvelle phrase de passe. Les messages postérieurs à la sauvegarde reviennent du relais.</translation>
    </message>
</context>
<context>
    <name>Session</name>
    <message>
        <location filename="../../desktop/ui/session.py" line="91"/>
        <source>Passerelle was interrupted and the store&apos;s journal was damaged: the last {0} changes saved before the interruption could not be read back. Messages from the relay are being fetched again; check what you wrote just before the interruption.</source>
        <extracomment>Which screen a journal event from another workstation changes (Session.changed&apos;s words). Documents moving now, and those whose last try failed or was cancelled. This workstation&apos;s backups of the store (daily, and at every close).</extracomment>
        <translation>Passerelle a été interrompu et le journal de la base était endommagé&#xa0;: les {0} dernières modifications enregistrées avant l’interruption n’ont pas pu être relues. Les messages du relais sont récupérés à nouveau&#xa0;; vérifiez ce que vous avez écrit juste avant l’interruption.</translation>
    </message>
</context>
<context>
    <name>SettingsScreen</name>
    <message>
        <location filename="../../desktop/ui/settings.py" line="95"/>
        <source>The practice</source>
        <translation>Le cabinet</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings.py" line="103"/>
        <source> MB</source>
        <translation> Mo</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings.py" line="105"/>
        <source>The largest document the practice or a patient may send; patients&apos; apps refuse a larger file before sending it.</source>
        <translation>Le plus gros document que le cabinet ou un patient peut envoyer&#xa0;; l&apos;application des patients refuse un fichier plus gros avant de l&apos;envoyer.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings.py" line="107"/>
        <location filename="../../desktop/ui/settings.py" line="302"/>
        <source>Save</source>
        <translation>Enregistrer</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings.py" line="111"/>
        <location filename="../../desktop/ui/settings.py" line="204"/>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings.py" line="112"/>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings.py" line="113"/>
        <source>Telephone</source>
        <translation>Téléphone</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings.py" line="114"/>
        <source>Largest document</source>
        <translation>Taille maximale d&apos;un document</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings.py" line="126"/>
        <source>The practice needs a name.</source>
        <translation>Le nom du cabinet est obligatoire.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings.py" line="150"/>
        <source>Practitioners</source>
        <translation>Praticiens</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings.py" line="159"/>
        <source>Accepts messaging from patients</source>
        <translation>Accepte les messages des patients</translation>
    </message>
    <message>
        <source> working day(s)</source>
        <translation type="vanished"> jour(s) ouvré(s)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings.py" line="163"/>
        <source> working days</source>
        <translation> jours ouvrés</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings.py" line="165"/>
        <source>Absent — answer patients automatically</source>
        <translation>Absent(e) — répondre automatiquement aux patients</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings.py" line="181"/>
        <source>Save practitioner</source>
        <translation>Enregistrer le praticien</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings.py" line="184"/>
        <source>Add a practitioner</source>
        <translation>Ajouter un praticien</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings.py" line="186"/>
        <source>Signature image…</source>
        <translation>Image de la signature…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings.py" line="188"/>
        <source>Printed on renewed prescriptions (PNG)</source>
        <translation>Imprimée sur les ordonnances renouvelées (PNG)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings.py" line="192"/>
        <source>from</source>
        <translation>du</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings.py" line="194"/>
        <source>until</source>
        <translation>au</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings.py" line="203"/>
        <source>Practitioner</source>
        <translation>Praticien</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings.py" line="205"/>
        <source>Profession</source>
        <translation>Profession</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings.py" line="206"/>
        <source>RPPS</source>
        <translation>RPPS</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings.py" line="208"/>
        <source>Expected response time</source>
        <translation>Délai de réponse annoncé</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings.py" line="210"/>
        <source>Absence</source>
        <translation>Absence</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings.py" line="211"/>
        <source>Auto-reply</source>
        <translation>Réponse automatique</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings.py" line="241"/>
        <source>A practitioner needs a name.</source>
        <translation>Le nom du praticien est obligatoire.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings.py" line="244"/>
        <source>An RPPS number is 11 digits.</source>
        <translation>Un numéro RPPS comporte 11 chiffres.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings.py" line="252"/>
        <source>An absence needs an end on or after its start, and a message for patients.</source>
        <translation>Une absence doit se terminer le jour de son début ou après, et comporter un message pour les patients.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings.py" line="274"/>
        <source>Type the new practitioner&apos;s name first.</source>
        <translation>Saisissez d’abord le nom du nouveau praticien.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings.py" line="289"/>
        <source>This workstation</source>
        <translation>Ce poste</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings.py" line="293"/>
        <location filename="../../desktop/ui/settings.py" line="297"/>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings.py" line="306"/>
        <source>Sign the person out after inactivity</source>
        <translation>Déconnecter la personne après inactivité</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings.py" line="307"/>
        <source>Lock after inactivity</source>
        <translation>Verrouillage après inactivité</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings.py" line="308"/>
        <source>Relay address</source>
        <translation>Adresse du relais</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings.py" line="309"/>
        <source>A new relay address is used from the next unlock.</source>
        <translation>Une nouvelle adresse de relais s’applique au prochain déverrouillage.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings.py" line="322"/>
        <source>The relay address starts with https:// (or http://).</source>
        <translation>L’adresse du relais doit commencer par https:// (ou http://).</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings.py" line="326"/>
        <source>The person is signed out before the store locks: choose a shorter delay for signing out than for locking.</source>
        <translation>La personne est déconnectée avant le verrouillage&#xa0;: choisissez un délai de déconnexion plus court que celui du verrouillage.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings.py" line="345"/>
        <source>Passphrase</source>
        <translation>Phrase de passe</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings.py" line="356"/>
        <source>Change the passphrase</source>
        <translation>Changer la phrase de passe</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings.py" line="360"/>
        <source>Current passphrase</source>
        <translation>Phrase de passe actuelle</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings.py" line="361"/>
        <source>New passphrase</source>
        <translation>Nouvelle phrase de passe</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings.py" line="362"/>
        <source>Confirm</source>
        <translation>Confirmation</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings.py" line="370"/>
        <source>At least 10 characters.</source>
        <translation>10 caractères au minimum.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings.py" line="373"/>
        <source>The two new passphrases differ.</source>
        <translation>Les deux nouvelles phrases de passe sont différentes.</translation>
    </message>
</context>
<context>
    <name>SignInScreen</name>
    <message>
        <location filename="../../desktop/ui/sign_in.py" line="41"/>
        <location filename="../../desktop/ui/sign_in.py" line="102"/>
        <source>Who is at the keyboard?</source>
        <translation>Qui est au clavier&#xa0;?</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/sign_in.py" line="44"/>
        <source>The store stays unlocked for this workstation; each person signs in with their own PIN or passphrase.</source>
        <translation>Les données restent déverrouillées sur ce poste&#xa0;; chacun se connecte avec son propre code PIN ou sa phrase secrète.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/sign_in.py" line="50"/>
        <source>Your name</source>
        <translation>Votre nom</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/sign_in.py" line="54"/>
        <source>PIN or passphrase</source>
        <translation>Code PIN ou phrase secrète</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/sign_in.py" line="59"/>
        <source>The same again</source>
        <translation>Encore une fois</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/sign_in.py" line="60"/>
        <location filename="../../desktop/ui/sign_in.py" line="103"/>
        <source>Sign in</source>
        <translation>Se connecter</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/sign_in.py" line="64"/>
        <source>Lock the store</source>
        <translation>Verrouiller</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/sign_in.py" line="95"/>
        <source>Set up the practice&apos;s administrator</source>
        <translation>Désigner l’administrateur du cabinet</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/sign_in.py" line="97"/>
        <source>Nobody can manage this practice&apos;s people yet. Choose who is its administrator and their PIN (6 digits or more) or passphrase; they add the others in Settings → People.</source>
        <translation>Personne ne peut encore gérer les personnes du cabinet. Choisissez son administrateur et son code PIN (6 chiffres ou plus) ou sa phrase secrète&#xa0;; il ajoutera les autres dans Réglages du cabinet → Personnes.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/sign_in.py" line="100"/>
        <source>Set up and sign in</source>
        <translation>Désigner et se connecter</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/sign_in.py" line="107"/>
        <source>{0} (secretariat)</source>
        <translation>{0} (secrétariat)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/sign_in.py" line="121"/>
        <source>The two entries differ.</source>
        <translation>Les deux saisies diffèrent.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/sign_in.py" line="124"/>
        <source>Checking…</source>
        <translation>Vérification…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/sign_in.py" line="141"/>
        <source>Too many wrong PINs for {0}: try again in {1} s.</source>
        <translation>Trop de codes erronés pour {0}&#xa0;: réessayez dans {1} s.</translation>
    </message>
</context>
<context>
    <name>SyncStatusLabel</name>
    <message>
        <location filename="../../desktop/ui/sync_status.py" line="42"/>
        <source>Locked — nothing is synced until the practice unlocks</source>
        <translation>Verrouillé — synchronisation suspendue jusqu’au déverrouillage</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="230"/>
        <source>Not connected to a relay</source>
        <extracomment>desktop/ui/sync_status.py:15</extracomment>
        <translation>Non connecté à un relais</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="232"/>
        <source>Synced</source>
        <extracomment>desktop/ui/sync_status.py:18</extracomment>
        <translation>Synchronisé</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="234"/>
        <source>Syncing — {0} to send</source>
        <extracomment>desktop/ui/sync_status.py:21</extracomment>
        <translation>Synchronisation — {0} à envoyer</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="236"/>
        <source>Syncing…</source>
        <extracomment>desktop/ui/sync_status.py:22</extracomment>
        <translation>Synchronisation…</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="238"/>
        <source>Offline since {0}</source>
        <extracomment>desktop/ui/sync_status.py:24</extracomment>
        <translation>Hors ligne depuis {0}</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="240"/>
        <source>{0} waiting to be sent</source>
        <extracomment>desktop/ui/sync_status.py:26</extracomment>
        <translation>{0} en attente d’envoi</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="242"/>
        <source>Sync error: {0}</source>
        <extracomment>desktop/ui/sync_status.py:29</extracomment>
        <translation>Erreur de synchronisation&#xa0;: {0}</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="244"/>
        <source>Sync stopped</source>
        <extracomment>desktop/ui/sync_status.py:30</extracomment>
        <translation>Synchronisation arrêtée</translation>
    </message>
</context>
<context>
    <name>TransferProgress</name>
    <message>
        <location filename="../../desktop/ui/sync_status.py" line="95"/>
        <source>Sending {0}</source>
        <translation>Envoi de {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/sync_status.py" line="96"/>
        <source>Downloading {0}</source>
        <translation>Téléchargement de {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/sync_status.py" line="98"/>
        <source>(+{0} more)</source>
        <translation>(+{0} autres)</translation>
    </message>
</context>
<context>
    <name>UnlockScreen</name>
    <message>
        <location filename="../../desktop/ui/unlock.py" line="41"/>
        <source>Passerelle</source>
        <translation>Passerelle</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/unlock.py" line="43"/>
        <source>The practice&apos;s messages are locked.</source>
        <translation>La messagerie du cabinet est verrouillée.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/unlock.py" line="48"/>
        <source>Passphrase</source>
        <translation>Phrase de passe</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/unlock.py" line="50"/>
        <source>Unlock</source>
        <translation>Déverrouiller</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/unlock.py" line="57"/>
        <source>Unlock status</source>
        <translation>État du déverrouillage</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/unlock.py" line="62"/>
        <source>Restore the latest good backup…</source>
        <translation>Restaurer la dernière bonne sauvegarde…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/unlock.py" line="71"/>
        <source>Demo mode — the passphrase is: &lt;b&gt;{0}&lt;/b&gt;</source>
        <translation>Mode démonstration — la phrase de passe est&#xa0;: &lt;b&gt;{0}&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/unlock.py" line="78"/>
        <source>Not for emergencies: patients are told to call 15 or 112.</source>
        <translation>Pas pour les urgences&#xa0;: les patients sont invités à appeler le 15 ou le 112.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/unlock.py" line="124"/>
        <source>Type the practice&apos;s passphrase.</source>
        <translation>Saisissez la phrase de passe du cabinet.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/unlock.py" line="128"/>
        <source>Unlocking…</source>
        <translation>Déverrouillage…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/unlock.py" line="136"/>
        <source>Locked. Type the passphrase to go on.</source>
        <translation>Verrouillé. Saisissez la phrase de passe pour continuer.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/unlock.py" line="148"/>
        <source>Passphrase changed. Unlock with the new one.</source>
        <translation>Phrase de passe modifiée. Déverrouillez avec la nouvelle.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/unlock.py" line="150"/>
        <source>The passphrase was not changed: {0}</source>
        <translation>La phrase de passe n’a pas été modifiée&#xa0;: {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/unlock.py" line="185"/>
        <source>Wrong passphrase. Try again.</source>
        <translation>Phrase de passe incorrecte. Réessayez.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/unlock.py" line="188"/>
        <source>Wrong passphrase. Try again in {0} s.</source>
        <translation>Phrase de passe incorrecte. Réessayez dans {0} s.</translation>
    </message>
</context>
<context>
    <name>WorkstationsGroup</name>
    <message>
        <location filename="../../desktop/ui/workstations_settings.py" line="117"/>
        <source>Workstations</source>
        <translation>Postes</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/workstations_settings.py" line="133"/>
        <source>Revoke…</source>
        <translation>Révoquer…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/workstations_settings.py" line="136"/>
        <source>A lost or stolen computer: its access stops at once and the practice&apos;s keys change, so that it cannot read what is written from now on.</source>
        <translation>Un ordinateur perdu ou volé&#xa0;: son accès cesse aussitôt et les clés du cabinet changent, pour qu’il ne puisse pas lire ce qui sera écrit désormais.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/workstations_settings.py" line="140"/>
        <source>Refresh</source>
        <translation>Actualiser</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/workstations_settings.py" line="156"/>
        <source>Add a workstation</source>
        <translation>Ajouter un poste</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/workstations_settings.py" line="160"/>
        <source>Code shown on the new computer</source>
        <translation>Code affiché sur le nouvel ordinateur</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/workstations_settings.py" line="174"/>
        <source>Compare with the other screen: the new computer shows the same name and the same numbers. If they differ, do not approve — someone else may be trying to join.</source>
        <translation>Comparez avec l’autre écran&#xa0;: le nouvel ordinateur affiche le même nom et les mêmes chiffres. S’ils diffèrent, n’approuvez pas — quelqu’un d’autre essaie peut-être de se joindre au cabinet.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/workstations_settings.py" line="177"/>
        <source>Approve</source>
        <translation>Approuver</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/workstations_settings.py" line="180"/>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/workstations_settings.py" line="229"/>
        <source>The relay cannot be reached: last seen is not known.</source>
        <translation>Le relais est injoignable&#xa0;: la dernière connexion n’est pas connue.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/workstations_settings.py" line="258"/>
        <source>Looking for the new computer…</source>
        <translation>Recherche du nouvel ordinateur…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/workstations_settings.py" line="265"/>
        <source>New workstation: &lt;b&gt;{0}&lt;/b&gt;</source>
        <translation>Nouveau poste&#xa0;: &lt;b&gt;{0}&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/workstations_settings.py" line="289"/>
        <source>Approved: waiting for {0} to collect the practice&apos;s keys…</source>
        <translation>Approuvé&#xa0;: en attente de la récupération des clés du cabinet par {0}…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/workstations_settings.py" line="298"/>
        <source>{0} is now a workstation of the practice. It is receiving the practice&apos;s history.</source>
        <translation>{0} est désormais un poste du cabinet. Il reçoit l’historique du cabinet.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/workstations_settings.py" line="302"/>
        <source>{0} was approved; it has not collected the keys yet. Leave it open: it finishes by itself within ten minutes.</source>
        <translation>{0} a été approuvé mais n’a pas encore récupéré les clés. Laissez-le ouvert&#xa0;: il termine de lui-même dans les dix minutes.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/workstations_settings.py" line="314"/>
        <source>Revoke a workstation</source>
        <translation>Révoquer un poste</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/workstations_settings.py" line="315"/>
        <source>Revoke {0}? It loses access to the practice at once and cannot be brought back: to use that computer again, join it anew. The practice&apos;s keys are changed, so that it cannot read what is written from now on.</source>
        <translation>Révoquer {0}&#xa0;? Il perd aussitôt l’accès au cabinet, sans retour possible&#xa0;: pour réutiliser cet ordinateur, il faudra le joindre à nouveau. Les clés du cabinet sont changées, pour qu’il ne puisse pas lire ce qui sera écrit désormais.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/workstations_settings.py" line="321"/>
        <source>Revoke</source>
        <translation>Révoquer</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/workstations_settings.py" line="335"/>
        <source>Revoking {0} and changing the practice&apos;s keys…</source>
        <translation>Révocation de {0} et changement des clés du cabinet…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/workstations_settings.py" line="342"/>
        <source>{0} is revoked: its access stopped, and the practice&apos;s keys were changed.</source>
        <translation>{0} est révoqué&#xa0;: son accès a cessé et les clés du cabinet ont été changées.</translation>
    </message>
</context>
<context>
    <name>WorkstationsModel</name>
    <message>
        <location filename="../../desktop/ui/workstations_settings.py" line="76"/>
        <source>Workstation</source>
        <extracomment>How long approving waits for the new computer to collect the keys (it asks every few seconds) before the list settles it on its next refresh.</extracomment>
        <translation>Poste</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/workstations_settings.py" line="76"/>
        <source>Added</source>
        <translation>Ajouté le</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/workstations_settings.py" line="76"/>
        <source>Added by</source>
        <translation>Ajouté par</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/workstations_settings.py" line="77"/>
        <source>Last seen</source>
        <translation>Dernière connexion</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/workstations_settings.py" line="80"/>
        <source>(name not known yet)</source>
        <translation>(nom encore inconnu)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/workstations_settings.py" line="82"/>
        <source>{0} — this workstation</source>
        <translation>{0} — ce poste</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/workstations_settings.py" line="84"/>
        <source>{0} — revoked {1}</source>
        <translation>{0} — révoqué le {1}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/workstations_settings.py" line="98"/>
        <source>first workstation</source>
        <translation>premier poste</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/workstations_settings.py" line="100"/>
        <source>now</source>
        <translation>maintenant</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/workstations_settings.py" line="101"/>
        <source>not yet</source>
        <translation>pas encore</translation>
    </message>
</context>
<context>
    <name>_FileField</name>
    <message>
        <location filename="../../desktop/ui/patient_rights.py" line="165"/>
        <source>Save the export as</source>
        <translation>Enregistrer l&apos;export sous</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_rights.py" line="166"/>
        <source>ZIP archive (*.zip)</source>
        <translation>Archive ZIP (*.zip)</translation>
    </message>
</context>
<context>
    <name>_FolderField</name>
    <message>
        <location filename="../../desktop/ui/patient_rights.py" line="43"/>
        <source>Choose…</source>
        <translation>Choisir…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/patient_rights.py" line="50"/>
        <source>Export to</source>
        <translation>Exporter vers</translation>
    </message>
</context>
<context>
    <name>_RecordDialog</name>
    <message>
        <location filename="../../desktop/ui/patient_rights.py" line="102"/>
        <source>Close</source>
        <translation>Clôturer</translation>
    </message>
</context>
<context>
    <name>decisions</name>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="8"/>
        <source>the workstation {0}</source>
        <extracomment>desktop/ui/decision_notice.py:43</extracomment>
        <translation>le poste {0}</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="10"/>
        <source>another workstation</source>
        <extracomment>desktop/ui/decision_notice.py:45</extracomment>
        <translation>un autre poste</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="12"/>
        <source>Already decided by {0} at {1}.</source>
        <extracomment>desktop/ui/decision_notice.py:46</extracomment>
        <translation>Déjà décidé par {0} à {1}.</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="14"/>
        <source>Your decision on this renewal request was taken back; nothing of it was sent to the patient.</source>
        <extracomment>desktop/ui/decision_notice.py:48</extracomment>
        <translation>Votre décision sur cette demande de renouvellement a été annulée&#xa0;; rien n’en a été envoyé au patient.</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="16"/>
        <source>The request is: {0}.</source>
        <extracomment>desktop/ui/decision_notice.py:50</extracomment>
        <translation>La demande est&#xa0;: {0}.</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="18"/>
        <source>Your change to this conversation was taken back; nothing of it was sent to the patient.</source>
        <extracomment>desktop/ui/decision_notice.py:53</extracomment>
        <translation>Votre changement sur cette conversation a été annulé&#xa0;; rien n’en a été envoyé au patient.</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="20"/>
        <source>The conversation is: {0}.</source>
        <extracomment>desktop/ui/decision_notice.py:55</extracomment>
        <translation>La conversation est&#xa0;: {0}.</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="22"/>
        <source>Understood</source>
        <extracomment>desktop/ui/decision_notice.py:74</extracomment>
        <translation>Compris</translation>
    </message>
</context>
<context>
    <name>errors</name>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="70"/>
        <source>Passerelle</source>
        <extracomment>desktop/ui/errors.py:77</extracomment>
        <translation>Passerelle</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="72"/>
        <source>the terminal</source>
        <extracomment>desktop/ui/errors.py:80</extracomment>
        <translation>le terminal</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="74"/>
        <source>Passerelle — unexpected error</source>
        <extracomment>desktop/ui/errors.py:81</extracomment>
        <translation>Passerelle — erreur inattendue</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="76"/>
        <source>Something went wrong that should not have: {error}

Nothing you saved is lost. Details were written to {log}.</source>
        <extracomment>desktop/ui/errors.py:82</extracomment>
        <translation>Une erreur inattendue s’est produite&#xa0;: {error}

Rien de ce que vous avez enregistré n’est perdu. Le détail a été consigné dans {log}.</translation>
    </message>
</context>
<context>
    <name>labels</name>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="78"/>
        <source>Renewal</source>
        <extracomment>desktop/ui/labels.py:24</extracomment>
        <translation>Renouvellement</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="80"/>
        <source>Document</source>
        <extracomment>desktop/ui/labels.py:25</extracomment>
        <translation>Document</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="82"/>
        <source>Administrative question</source>
        <extracomment>desktop/ui/labels.py:26</extracomment>
        <translation>Question administrative</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="84"/>
        <source>Other</source>
        <extracomment>desktop/ui/labels.py:27</extracomment>
        <translation>Autre</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="86"/>
        <source>Awaiting acceptance</source>
        <extracomment>desktop/ui/labels.py:33</extracomment>
        <translation>En attente d’acceptation</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="88"/>
        <source>Open</source>
        <extracomment>desktop/ui/labels.py:34</extracomment>
        <translation>Ouverte</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="90"/>
        <source>Closed</source>
        <extracomment>desktop/ui/labels.py:35</extracomment>
        <translation>Clôturée</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="92"/>
        <source>Declined</source>
        <extracomment>desktop/ui/labels.py:36, desktop/ui/labels.py:114</extracomment>
        <translation>Refusée</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="94"/>
        <source>Waiting to be sent</source>
        <extracomment>desktop/ui/labels.py:42</extracomment>
        <translation>En attente d’envoi</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="96"/>
        <source>Sent</source>
        <extracomment>desktop/ui/labels.py:43</extracomment>
        <translation>Envoyé</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="98"/>
        <source>Delivered</source>
        <extracomment>desktop/ui/labels.py:44</extracomment>
        <translation>Distribué</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="100"/>
        <source>Read</source>
        <extracomment>desktop/ui/labels.py:45</extracomment>
        <translation>Lu</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="102"/>
        <source>Born {0} ({1} years)</source>
        <extracomment>desktop/ui/labels.py:85</extracomment>
        <translation>Né(e) le {0} ({1} ans)</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="104"/>
        <source>The patient is no longer enrolled for messaging.</source>
        <extracomment>desktop/ui/labels.py:99</extracomment>
        <translation>Le patient n’est plus inscrit à la messagerie.</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="106"/>
        <source>No last visit is recorded for this patient.</source>
        <extracomment>desktop/ui/labels.py:100</extracomment>
        <translation>Aucune dernière visite n’est enregistrée pour ce patient.</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="108"/>
        <source>The last visit is too long ago for a remote renewal.</source>
        <extracomment>desktop/ui/labels.py:101</extracomment>
        <translation>La dernière visite est trop ancienne pour un renouvellement à distance.</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="110"/>
        <source>{0} is on the practice&apos;s never-renew-remotely list.</source>
        <extracomment>desktop/ui/labels.py:102</extracomment>
        <translation>{0} figure sur la liste du cabinet des traitements jamais renouvelés à distance.</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="112"/>
        <source>{0} is still covered by an earlier prescription.</source>
        <extracomment>desktop/ui/labels.py:103</extracomment>
        <translation>{0} est encore couvert par une ordonnance précédente.</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="114"/>
        <source>Waiting for a decision</source>
        <extracomment>desktop/ui/labels.py:112</extracomment>
        <translation>En attente de décision</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="116"/>
        <source>Approved</source>
        <extracomment>desktop/ui/labels.py:113</extracomment>
        <translation>Accepté</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="118"/>
        <source>Appointment needed</source>
        <extracomment>desktop/ui/labels.py:115</extracomment>
        <translation>Rendez-vous nécessaire</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="120"/>
        <source>Request accepted</source>
        <extracomment>desktop/ui/labels.py:122</extracomment>
        <translation>Demande acceptée</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="122"/>
        <source>Request declined</source>
        <extracomment>desktop/ui/labels.py:123</extracomment>
        <translation>Demande refusée</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="124"/>
        <source>Conversation closed</source>
        <extracomment>desktop/ui/labels.py:124</extracomment>
        <translation>Conversation clôturée</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="126"/>
        <source>Conversation reopened</source>
        <extracomment>desktop/ui/labels.py:125</extracomment>
        <translation>Conversation rouverte</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="128"/>
        <source>Conversation assigned</source>
        <extracomment>desktop/ui/labels.py:126</extracomment>
        <translation>Conversation attribuée</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="130"/>
        <source>Assignment removed</source>
        <extracomment>desktop/ui/labels.py:127</extracomment>
        <translation>Attribution retirée</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="132"/>
        <source>Internal note added</source>
        <extracomment>desktop/ui/labels.py:128</extracomment>
        <translation>Note interne ajoutée</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="134"/>
        <source>Record edited</source>
        <extracomment>desktop/ui/labels.py:129</extracomment>
        <translation>Dossier modifié</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="136"/>
        <source>Imported from the practice software</source>
        <extracomment>desktop/ui/labels.py:130</extracomment>
        <translation>Importé depuis le logiciel du cabinet</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="138"/>
        <source>Invitation created</source>
        <extracomment>desktop/ui/labels.py:131</extracomment>
        <translation>Invitation créée</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="140"/>
        <source>Renewal approved</source>
        <extracomment>desktop/ui/labels.py:132</extracomment>
        <translation>Renouvellement accepté</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="142"/>
        <source>Renewal declined</source>
        <extracomment>desktop/ui/labels.py:133</extracomment>
        <translation>Renouvellement refusé</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="144"/>
        <source>Renewal: appointment needed</source>
        <extracomment>desktop/ui/labels.py:134</extracomment>
        <translation>Renouvellement&#xa0;: rendez-vous nécessaire</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="146"/>
        <source>Renewal rules changed</source>
        <extracomment>desktop/ui/labels.py:135</extracomment>
        <translation>Règles de renouvellement modifiées</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="148"/>
        <source>Notice prepared</source>
        <extracomment>desktop/ui/labels.py:136</extracomment>
        <translation>Information préparée</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="150"/>
        <source>Notice cancelled</source>
        <extracomment>desktop/ui/labels.py:137</extracomment>
        <translation>Information annulée</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="152"/>
        <source>Document sent</source>
        <extracomment>desktop/ui/labels.py:138</extracomment>
        <translation>Document envoyé</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="154"/>
        <source>Document saved to disk</source>
        <extracomment>desktop/ui/labels.py:139</extracomment>
        <translation>Document enregistré sur le disque</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="156"/>
        <source>Conversations exported for the medical file</source>
        <extracomment>desktop/ui/labels.py:140</extracomment>
        <translation>Conversations exportées pour le dossier médical</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="158"/>
        <source>Invitation letter made</source>
        <extracomment>desktop/ui/labels.py:141</extracomment>
        <translation>Lettre d&apos;invitation établie</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="160"/>
        <source>Exported as FHIR</source>
        <extracomment>desktop/ui/labels.py:142</extracomment>
        <translation>Exporté en FHIR</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="162"/>
        <source>Everything about the patient exported</source>
        <extracomment>desktop/ui/labels.py:143</extracomment>
        <translation>Export de toutes les données du patient</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="164"/>
        <source>Patient erased</source>
        <extracomment>desktop/ui/labels.py:144</extracomment>
        <translation>Patient effacé</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="166"/>
        <source>Signed in</source>
        <extracomment>desktop/ui/labels.py:145</extracomment>
        <translation>Connexion</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="168"/>
        <source>Failed sign-in</source>
        <extracomment>desktop/ui/labels.py:146</extracomment>
        <translation>Connexion refusée</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="170"/>
        <source>Signed out</source>
        <extracomment>desktop/ui/labels.py:147</extracomment>
        <translation>Déconnexion</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="172"/>
        <source>Person added</source>
        <extracomment>desktop/ui/labels.py:148</extracomment>
        <translation>Personne ajoutée</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="174"/>
        <source>Person changed</source>
        <extracomment>desktop/ui/labels.py:149</extracomment>
        <translation>Personne modifiée</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="176"/>
        <source>Person deactivated</source>
        <extracomment>desktop/ui/labels.py:150</extracomment>
        <translation>Personne désactivée</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="178"/>
        <source>Person reactivated</source>
        <extracomment>desktop/ui/labels.py:151</extracomment>
        <translation>Personne réactivée</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="180"/>
        <source>PIN or passphrase changed</source>
        <extracomment>desktop/ui/labels.py:152</extracomment>
        <translation>Code PIN ou phrase secrète changé</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="182"/>
        <source>Action refused</source>
        <extracomment>desktop/ui/labels.py:153</extracomment>
        <translation>Action refusée</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="184"/>
        <source>Audit trail exported</source>
        <extracomment>desktop/ui/labels.py:154</extracomment>
        <translation>Journal d’audit exporté</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="186"/>
        <source>Workstation added</source>
        <extracomment>desktop/ui/labels.py:155</extracomment>
        <translation>Poste ajouté</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="188"/>
        <source>Workstation revoked, practice keys rotated</source>
        <extracomment>desktop/ui/labels.py:156</extracomment>
        <translation>Poste révoqué, clés du cabinet renouvelées</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="190"/>
        <source>Decision taken back (decided first elsewhere)</source>
        <extracomment>desktop/ui/labels.py:157</extracomment>
        <translation>Décision annulée (prise d’abord sur un autre poste)</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="192"/>
        <source>wrong PIN or passphrase</source>
        <extracomment>desktop/ui/labels.py:175</extracomment>
        <translation>code ou phrase de passe erronés</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="194"/>
        <source>account deactivated</source>
        <extracomment>desktop/ui/labels.py:176</extracomment>
        <translation>compte désactivé</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="196"/>
        <source>no PIN set yet</source>
        <extracomment>desktop/ui/labels.py:177</extracomment>
        <translation>pas encore de code</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="198"/>
        <source>first administrator</source>
        <extracomment>desktop/ui/labels.py:178</extracomment>
        <translation>premier administrateur</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="200"/>
        <source>their own</source>
        <extracomment>desktop/ui/labels.py:179</extracomment>
        <translation>le sien</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="202"/>
        <source>valid until {0}</source>
        <extracomment>desktop/ui/labels.py:182</extracomment>
        <translation>valable jusqu’au {0}</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="204"/>
        <source>{0} rows</source>
        <extracomment>desktop/ui/labels.py:184</extracomment>
        <translation>{0} lignes</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="206"/>
        <source>line {0} of the file</source>
        <extracomment>desktop/ui/labels.py:186</extracomment>
        <translation>ligne {0} du fichier</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="208"/>
        <source>{0} — {1} recipients</source>
        <extracomment>desktop/ui/labels.py:188</extracomment>
        <translation>{0} — {1} destinataires</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="210"/>
        <source>{0} — {1} not sent</source>
        <extracomment>desktop/ui/labels.py:190</extracomment>
        <translation>{0} — {1} non envoyés</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="212"/>
        <source>practitioner</source>
        <extracomment>desktop/ui/labels.py:192</extracomment>
        <translation>praticien</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="214"/>
        <source>assistant</source>
        <extracomment>desktop/ui/labels.py:192</extracomment>
        <translation>secrétariat</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="216"/>
        <source>, administrator</source>
        <extracomment>desktop/ui/labels.py:193</extracomment>
        <translation>, administrateur</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="218"/>
        <source>invitation letter → {0}</source>
        <extracomment>desktop/ui/labels.py:195</extracomment>
        <translation>lettre d’invitation → {0}</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="220"/>
        <source>with internal notes</source>
        <extracomment>desktop/ui/labels.py:200</extracomment>
        <translation>avec les notes internes</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="222"/>
        <source>without internal notes</source>
        <extracomment>desktop/ui/labels.py:201</extracomment>
        <translation>sans les notes internes</translation>
    </message>
    <message>
        <location filename="../../build/translations/indirect_strings.py" line="224"/>
        <source>PDF: {0} conversation(s), {1} message(s), {2}</source>
        <extracomment>desktop/ui/labels.py:202</extracomment>
        <translation>PDF&#xa0;: {0} conversation(s), {1} message(s), {2}</translation>
    </message>
</context>
<context>
    <name>pairing</name>
    <message>
        <location filename="../../desktop/ui/pairing_words.py" line="15"/>
        <source>This pairing code is not valid: it has 10 letters and digits, in two groups of five, as shown on the new computer&apos;s screen.</source>
        <translation>Ce code d’appairage n’est pas valide&#xa0;: il compte 10 lettres et chiffres, en deux groupes de cinq, tels qu’affichés sur l’écran du nouvel ordinateur.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/pairing_words.py" line="19"/>
        <source>No new workstation waits for this code: it is mistyped, already used, or more than ten minutes old. Nothing was changed. Check the code on the other screen, or start again there for a new one.</source>
        <translation>Aucun nouveau poste n’attend ce code&#xa0;: il est mal saisi, déjà utilisé ou vieux de plus de dix minutes. Rien n’a été modifié. Vérifiez le code sur l’autre écran, ou recommencez-y pour en obtenir un nouveau.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/pairing_words.py" line="24"/>
        <source>This pairing code has expired (a code lives ten minutes) or was cancelled. Nothing was saved: start again to get a new code.</source>
        <translation>Ce code d’appairage a expiré (un code vaut dix minutes) ou a été annulé. Rien n’a été enregistré&#xa0;: recommencez pour obtenir un nouveau code.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/pairing_words.py" line="28"/>
        <source>The relay&apos;s answer does not match this code: the keys it gave are not the new computer&apos;s. Nothing was sent; do not pair, and tell whoever runs the relay.</source>
        <translation>La réponse du relais ne correspond pas à ce code&#xa0;: les clés qu’il a fournies ne sont pas celles du nouvel ordinateur. Rien n’a été envoyé&#xa0;; n’appairez pas, et prévenez l’exploitant du relais.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/pairing_words.py" line="33"/>
        <source>The practice&apos;s keys did not come from the workstation that read this code; nothing was saved. Start the pairing again.</source>
        <translation>Les clés du cabinet ne viennent pas du poste qui a lu ce code&#xa0;; rien n’a été enregistré. Recommencez l’appairage.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/pairing_words.py" line="37"/>
        <source>Revoking a workstation needs the relay, which cannot be reached now. Nothing was changed; try again once online.</source>
        <translation>Révoquer un poste nécessite le relais, injoignable pour le moment. Rien n’a été modifié&#xa0;; réessayez une fois en ligne.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/pairing_words.py" line="41"/>
        <source>A workstation cannot revoke itself: revoke it from another workstation.</source>
        <translation>Un poste ne peut pas se révoquer lui-même&#xa0;: révoquez-le depuis un autre poste.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/pairing_words.py" line="44"/>
        <source>The practice has no such workstation.</source>
        <translation>Le cabinet n’a pas ce poste.</translation>
    </message>
</context>
<context>
    <name>renewals</name>
    <message>
        <location filename="../../desktop/ui/renewals_model.py" line="28"/>
        <source>less than an hour</source>
        <translation>moins d’une heure</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewals_model.py" line="30"/>
        <source>{0} h</source>
        <translation>{0} h</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/renewals_model.py" line="31"/>
        <source>{0} days</source>
        <translation>{0} jours</translation>
    </message>
</context>
</TS>
