"""Fill the French translation from the glossary below: ``python scripts/fill_fr.py``.

Run from the repository root after ``scripts/update_translations.sh`` has brought new
strings into resources/translations/passerelle_fr.ts (as type="unfinished"); then run
update_translations.sh again to compile the .qm. Only unfinished messages are filled,
so what a translator changed in Qt Linguist stays; ``--all`` applies the glossary to
every message it knows (after correcting an entry here). Messages the glossary does
not know are listed and left unfinished: add them below.

French as in French health software: vouvoiement, "patient", "Messagerie",
"Phrase de passe", "relais", "Réglages du cabinet". Typography: « », "…", and a
no-break space before : ; ? ! » and after « (written here as a normal space, made
unbreakable on the way into the .ts).
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

TS = Path("resources/translations/passerelle_fr.ts")

# English source → French, whatever the context.
FR: dict[str, str] = {
    # -- people, sign-in and the audit trail ------------------------------------------
    'Audit trail':
        'Journal d’audit',
    'Between':
        'Entre le',
    'Export CSV…':
        'Exporter en CSV…',
    'and':
        'et le',
    'Everyone':
        'Tout le monde',
    'All patients':
        'Tous les patients',
    'All actions':
        'Toutes les actions',
    '{0} lines':
        '{0} lignes',
    'Export the audit trail':
        'Exporter le journal d’audit',
    'CSV files (*.csv)':
        'Fichiers CSV (*.csv)',
    '{0} lines exported to {1}':
        '{0} lignes exportées dans {1}',
    'When':
        'Quand',
    'Who':
        'Qui',
    'Workstation':
        'Poste',
    'Action':
        'Action',
    'Detail':
        'Détail',
    '(erased)':
        '(effacé)',
    'Switch person':
        'Changer de personne',
    "Warning: the audit trail was tampered with — line {0} was removed or altered outside Passerelle. Tell the practice's administrator.":
        'Attention : le journal d’audit a été modifié — la ligne {0} a été supprimée ou altérée en dehors de Passerelle. Prévenez l’administrateur du cabinet.',
    "Warning: the audit trail's protection had been removed outside Passerelle; it was put back. Tell the practice's administrator.":
        'Attention : la protection du journal d’audit avait été retirée en dehors de Passerelle ; elle a été rétablie. Prévenez l’administrateur du cabinet.',
    'Signed in: {0}':
        'Connecté(e) : {0}',
    'People':
        'Personnes',
    'Deactivate':
        'Désactiver',
    'New PIN or passphrase':
        'Nouveau code PIN ou phrase secrète',
    'Reset the PIN':
        'Réinitialiser le code PIN',
    'Assistant (secretariat)':
        'Assistant(e) (secrétariat)',
    'Administrator of the practice':
        'Administrateur du cabinet',
    'PIN (6 digits or more) or passphrase':
        'Code PIN (6 chiffres ou plus) ou phrase secrète',
    'Add this person':
        'Ajouter cette personne',
    'Role':
        'Rôle',
    'First PIN':
        'Premier code PIN',
    'practitioner':
        'praticien',
    'assistant':
        'secrétariat',
    'administrator':
        'administrateur',
    'deactivated':
        'désactivé(e)',
    'no PIN yet':
        'pas encore de code PIN',
    'Reactivate':
        'Réactiver',
    '{0} was added.':
        '{0} a été ajouté(e).',
    'Deactivated.':
        'Désactivé(e).',
    'Reactivated.':
        'Réactivé(e).',
    'The PIN was changed.':
        'Le code PIN a été changé.',
    'Sign the person out after inactivity':
        'Déconnecter la personne après inactivité',
    'The person is signed out before the store locks: choose a shorter delay for signing out than for locking.':
        'La personne est déconnectée avant le verrouillage : choisissez un délai de déconnexion plus court que celui du verrouillage.',
    'Who is at the keyboard?':
        'Qui est au clavier ?',
    'The store stays unlocked for this workstation; each person signs in with their own PIN or passphrase.':
        'Les données restent déverrouillées sur ce poste ; chacun se connecte avec son propre code PIN ou sa phrase secrète.',
    'Your name':
        'Votre nom',
    'PIN or passphrase':
        'Code PIN ou phrase secrète',
    'The same again':
        'Encore une fois',
    'Sign in':
        'Se connecter',
    'Lock the store':
        'Verrouiller',
    "Set up the practice's administrator":
        'Désigner l’administrateur du cabinet',
    "Nobody can manage this practice's people yet. Choose who is its administrator and their PIN (6 digits or more) or passphrase; they add the others in Settings → People.":
        'Personne ne peut encore gérer les personnes du cabinet. Choisissez son administrateur et son code PIN (6 chiffres ou plus) ou sa phrase secrète ; il ajoutera les autres dans Réglages du cabinet → Personnes.',
    'Set up and sign in':
        'Désigner et se connecter',
    '{0} (secretariat)':
        '{0} (secrétariat)',
    'The two entries differ.':
        'Les deux saisies diffèrent.',
    'Too many wrong PINs for {0}: try again in {1} s.':
        'Trop de codes erronés pour {0} : réessayez dans {1} s.',
    'wrong PIN or passphrase':
        'code ou phrase de passe erronés',
    'account deactivated':
        'compte désactivé',
    'no PIN set yet':
        'pas encore de code',
    'first administrator':
        'premier administrateur',
    'their own':
        'le sien',
    'valid until {0}':
        'valable jusqu’au {0}',
    '{0} rows':
        '{0} lignes',
    'line {0} of the file':
        'ligne {0} du fichier',
    '{0} — {1} recipients':
        '{0} — {1} destinataires',
    '{0} — {1} not sent':
        '{0} — {1} non envoyés',
    ', administrator':
        ', administrateur',
    'invitation letter → {0}':
        'lettre d’invitation → {0}',
    'with internal notes':
        'avec les notes internes',
    'without internal notes':
        'sans les notes internes',
    'PDF: {0} conversation(s), {1} message(s), {2}':
        'PDF : {0} conversation(s), {1} message(s), {2}',
    'Checking…':
        'Vérification…',
    'Signed in':
        'Connexion',
    'Failed sign-in':
        'Connexion refusée',
    'Signed out':
        'Déconnexion',
    'Person added':
        'Personne ajoutée',
    'Person changed':
        'Personne modifiée',
    'Person deactivated':
        'Personne désactivée',
    'Person reactivated':
        'Personne réactivée',
    'PIN or passphrase changed':
        'Code PIN ou phrase secrète changé',
    'Action refused':
        'Action refusée',
    'Audit trail exported':
        'Journal d’audit exporté',
    'Workstation revoked, practice keys rotated':
        'Poste révoqué, clés du cabinet renouvelées',
    # -- backups and the recovery key -------------------------------------------------
    'No recovery key yet: create one in Practice settings → Backups so that backups can be made.':
        'Pas encore de clé de secours : créez-en une dans Réglages du cabinet → Sauvegardes pour que les sauvegardes puissent être faites.',
    'The backup folder {0} cannot be reached (a USB disk removed, a network share offline?): no backup was made.':
        'Le dossier de sauvegarde {0} est inaccessible (disque USB retiré, partage réseau hors ligne ?) : aucune sauvegarde n’a été faite.',
    'Backup failed — see Practice settings → Backups':
        'Échec de la sauvegarde — voir Réglages du cabinet → Sauvegardes',
    'Backups go to {0}':
        'Les sauvegardes vont dans {0}',
    'Backing up…':
        'Sauvegarde en cours…',
    'No backup folder: choose one in Practice settings → Backups':
        'Pas de dossier de sauvegarde : choisissez-en un dans Réglages du cabinet → Sauvegardes',
    'Backup failed: {0}':
        'Échec de la sauvegarde : {0}',
    'No backup yet':
        'Aucune sauvegarde pour l’instant',
    'Last backup {0}: more than two days ago':
        'Dernière sauvegarde le {0} : il y a plus de deux jours',
    'Backed up {0} — {1}':
        'Sauvegardé le {0} — {1}',
    '{0} GB':
        '{0} Go',
    '{0} MB':
        '{0} Mo',
    '{0} KB':
        '{0} Ko',
    'Backups':
        'Sauvegardes',
    'A USB disk, a network share, a synced folder':
        'Un disque USB, un partage réseau, un dossier synchronisé',
    'Back up now':
        'Sauvegarder maintenant',
    'New recovery key…':
        'Nouvelle clé de secours…',
    'Backup folder':
        'Dossier de sauvegarde',
    'Last backup':
        'Dernière sauvegarde',
    'Recovery key':
        'Clé de secours',
    'A backup is made every day and at every close, encrypted with the recovery key; the last 7 daily, 4 weekly and 12 monthly are kept.':
        'Une sauvegarde est faite chaque jour et à chaque fermeture, chiffrée avec la clé de secours ; sont gardées les 7 dernières quotidiennes, 4 hebdomadaires et 12 mensuelles.',
    'Current sheet: key {0}':
        'Feuille en vigueur : clé {0}',
    'No recovery key yet: no backup can be made until one is created.':
        'Pas encore de clé de secours : aucune sauvegarde ne peut être faite avant d’en créer une.',
    '{0}, {1}, in {2}':
        '{0}, {1}, dans {2}',
    'Where backups go':
        'Où vont les sauvegardes',
    'Last good one:':
        'Dernière réussie :',
    'New recovery key':
        'Nouvelle clé de secours',
    'From now on, new backups open with this key only. Backups made before still need the previous sheet: keep it until they have rotated out (twelve months).':
        'Désormais, les nouvelles sauvegardes ne s’ouvrent qu’avec cette clé. Les sauvegardes déjà faites demandent toujours l’ancienne feuille : gardez-la tant qu’elles sont conservées (douze mois).',
    'Use this key':
        'Utiliser cette clé',
    'Restore from a backup…':
        'Restaurer depuis une sauvegarde…',
    'This practice already used Passerelle: bring its store back from a backup, with the recovery key.':
        'Ce cabinet utilisait déjà Passerelle : restaurez ses données depuis une sauvegarde, avec la clé de secours.',
    'Already a Passerelle practice?':
        'Déjà équipé de Passerelle ?',
    "The key that opens the practice's backups when no passphrase can.":
        'La clé qui ouvre les sauvegardes du cabinet quand aucune phrase de passe ne le peut.',
    'Optional: can be chosen later in the settings':
        'Facultatif : peut être choisi plus tard dans les réglages',
    'Backups go to':
        'Sauvegardes dans',
    "Backups are encrypted with this recovery key, not with anyone's passphrase. If this computer is lost or the passphrase forgotten, it is the only way to restore the practice's messages. It is shown once: print the sheet and keep it in the practice's safe.":
        'Les sauvegardes sont chiffrées avec cette clé de secours, et non avec la phrase de passe de quelqu’un. Si cet ordinateur est perdu ou la phrase de passe oubliée, c’est le seul moyen de restaurer les messages du cabinet. Elle n’est affichée qu’une fois : imprimez la feuille et rangez-la dans le coffre du cabinet.',
    'Print the recovery sheet…':
        'Imprimer la feuille de secours…',
    'I have printed the sheet (or written the key down) and put it away safely.':
        'J’ai imprimé la feuille (ou noté la clé) et je l’ai rangée en lieu sûr.',
    'Restore the latest good backup':
        'Restaurer la dernière bonne sauvegarde',
    'Restore the latest good backup…':
        'Restaurer la dernière bonne sauvegarde…',
    'Looking for backups in {0}…':
        'Recherche des sauvegardes dans {0}…',
    'The damaged store is kept aside, not deleted. Once restored, the workstation fetches again from the relay everything that arrived or was sent since the backup; notes and patients added on this computer since then are not in it.':
        'Les données endommagées sont mises de côté, pas effacées. Une fois la sauvegarde restaurée, le poste récupère auprès du relais tout ce qui est arrivé ou a été envoyé depuis ; les notes et les patients ajoutés sur cet ordinateur depuis n’y sont pas.',
    'Restore':
        'Restaurer',
    'No backup was found in the backup folder: choose a backup file.':
        'Aucune sauvegarde dans le dossier de sauvegarde : choisissez un fichier de sauvegarde.',
    'Latest backup: {0}, {1}, in {2}':
        'Dernière sauvegarde : {0}, {1}, dans {2}',
    'A .pbackup file from the backup folder':
        'Un fichier .pbackup du dossier de sauvegarde',
    'Backup':
        'Sauvegarde',
    'Choose a backup':
        'Choisir une sauvegarde',
    'Passerelle backups (*.pbackup);;All files (*)':
        'Sauvegardes Passerelle (*.pbackup);;Tous les fichiers (*)',
    'Checking the backup and restoring it…':
        'Vérification et restauration de la sauvegarde…',
    'Nothing was restored: {0}':
        'Rien n’a été restauré : {0}',
    'Restore from a backup':
        'Restaurer depuis une sauvegarde',
    "Choose the backup, type the recovery key from the practice's sheet and a new passphrase. Messages since the backup come back from the relay.":
        'Choisissez la sauvegarde, tapez la clé de secours de la feuille du cabinet et une nouvelle phrase de passe. Les messages postérieurs à la sauvegarde reviennent du relais.',
    'Save the recovery sheet':
        'Enregistrer la feuille de secours',
    'PDF (*.pdf)':
        'PDF (*.pdf)',
    'Sheet saved to {0}. Print it, put it in the safe, then delete the file.':
        'Feuille enregistrée dans {0}. Imprimez-la, rangez-la dans le coffre, puis supprimez le fichier.',
    'The sheet was not saved: {0}':
        'La feuille n’a pas été enregistrée : {0}',
    # -- several workstations: joining a practice, Settings → Workstations ----------------
    'Join an existing practice…':
        'Rejoindre un cabinet existant…',
    'The practice already works with Passerelle on another computer: make this one another of its workstations, approved from there.':
        'Le cabinet utilise déjà Passerelle sur un autre ordinateur : faites de celui-ci un poste de plus du cabinet, approuvé depuis là-bas.',
    'Join an existing practice':
        'Rejoindre un cabinet existant',
    'This computer becomes one more workstation of a practice that already uses Passerelle. You will need someone at one of its workstations, signed in as an administrator.':
        'Cet ordinateur devient un poste de plus d’un cabinet qui utilise déjà Passerelle. Il faut quelqu’un à l’un de ses postes, connecté en tant qu’administrateur.',
    "Reception, Dr Martin's office, home-visit laptop…":
        'Accueil, bureau du Dr Martin, portable des visites…',
    "This computer's name":
        'Nom de cet ordinateur',
    "The name is how the other workstations will list this one. The relay address is in the practice's settings (Settings → This workstation).":
        'C’est sous ce nom que les autres postes verront celui-ci. L’adresse du relais se trouve dans les réglages du cabinet (Réglages → Ce poste).',
    'Approve this computer from a workstation of the practice':
        'Approuvez cet ordinateur depuis un poste du cabinet',
    'There, open Settings → Workstations → Add a workstation and type this code. It works once, for ten minutes.':
        'Sur ce poste, ouvrez Réglages → Postes → Ajouter un poste et saisissez ce code. Il ne sert qu’une fois, pendant dix minutes.',
    "The other screen will show this computer's name and these numbers: check they are the same before approving.":
        'L’autre écran affichera le nom de cet ordinateur et ces chiffres : vérifiez qu’ils sont identiques avant d’approuver.',
    'New code':
        'Nouveau code',
    'Pairing code':
        'Code d’appairage',
    'Fingerprint of this computer':
        'Empreinte de cet ordinateur',
    'Asking the relay for a pairing code…':
        'Demande d’un code d’appairage au relais…',
    'This computer: <b>{0}</b>':
        'Cet ordinateur : <b>{0}</b>',
    'Waiting for the approval…':
        'En attente de l’approbation…',
    'The relay cannot be reached right now; still waiting for the approval…':
        'Le relais est injoignable pour le moment ; toujours en attente de l’approbation…',
    'Approved. Creating the encrypted store…':
        'Approuvé. Création des données chiffrées…',
    "Receiving the practice's history…":
        'Réception de l’historique du cabinet…',
    "Receiving the practice's history: {0} conversations so far…":
        'Réception de l’historique du cabinet : {0} conversations pour l’instant…',
    'Workstations':
        'Postes',
    'Revoke…':
        'Révoquer…',
    "A lost or stolen computer: its access stops at once and the practice's keys change, so that it cannot read what is written from now on.":
        'Un ordinateur perdu ou volé : son accès cesse aussitôt et les clés du cabinet changent, pour qu’il ne puisse pas lire ce qui sera écrit désormais.',
    'Refresh':
        'Actualiser',
    'Add a workstation':
        'Ajouter un poste',
    'Code shown on the new computer':
        'Code affiché sur le nouvel ordinateur',
    'Compare with the other screen: the new computer shows the same name and the same numbers. If they differ, do not approve — someone else may be trying to join.':
        'Comparez avec l’autre écran : le nouvel ordinateur affiche le même nom et les mêmes chiffres. S’ils diffèrent, n’approuvez pas — quelqu’un d’autre essaie peut-être de se joindre au cabinet.',
    'Approve':
        'Approuver',
    'Cancel':
        'Annuler',
    'The relay cannot be reached: last seen is not known.':
        'Le relais est injoignable : la dernière connexion n’est pas connue.',
    'Looking for the new computer…':
        'Recherche du nouvel ordinateur…',
    'New workstation: <b>{0}</b>':
        'Nouveau poste : <b>{0}</b>',
    "Approved: waiting for {0} to collect the practice's keys…":
        'Approuvé : en attente de la récupération des clés du cabinet par {0}…',
    "{0} is now a workstation of the practice. It is receiving the practice's history.":
        '{0} est désormais un poste du cabinet. Il reçoit l’historique du cabinet.',
    '{0} was approved; it has not collected the keys yet. Leave it open: it finishes by itself within ten minutes.':
        '{0} a été approuvé mais n’a pas encore récupéré les clés. Laissez-le ouvert : il termine de lui-même dans les dix minutes.',
    'Revoke a workstation':
        'Révoquer un poste',
    "Revoke {0}? It loses access to the practice at once and cannot be brought back: to use that computer again, join it anew. The practice's keys are changed, so that it cannot read what is written from now on.":
        'Révoquer {0} ? Il perd aussitôt l’accès au cabinet, sans retour possible : pour réutiliser cet ordinateur, il faudra le joindre à nouveau. Les clés du cabinet sont changées, pour qu’il ne puisse pas lire ce qui sera écrit désormais.',
    'Revoke':
        'Révoquer',
    "Revoking {0} and changing the practice's keys…":
        'Révocation de {0} et changement des clés du cabinet…',
    "{0} is revoked: its access stopped, and the practice's keys were changed.":
        '{0} est révoqué : son accès a cessé et les clés du cabinet ont été changées.',
    'Added':
        'Ajouté le',
    'Added by':
        'Ajouté par',
    'Last seen':
        'Dernière connexion',
    '(name not known yet)':
        '(nom encore inconnu)',
    '{0} — this workstation':
        '{0} — ce poste',
    '{0} — revoked {1}':
        '{0} — révoqué le {1}',
    'first workstation':
        'premier poste',
    'now':
        'maintenant',
    'not yet':
        'pas encore',
    "This pairing code is not valid: it has 10 letters and digits, in two groups of five, as shown on the new computer's screen.":
        'Ce code d’appairage n’est pas valide : il compte 10 lettres et chiffres, en deux groupes de cinq, tels qu’affichés sur l’écran du nouvel ordinateur.',
    'No new workstation waits for this code: it is mistyped, already used, or more than ten minutes old. Nothing was changed. Check the code on the other screen, or start again there for a new one.':
        'Aucun nouveau poste n’attend ce code : il est mal saisi, déjà utilisé ou vieux de plus de dix minutes. Rien n’a été modifié. Vérifiez le code sur l’autre écran, ou recommencez-y pour en obtenir un nouveau.',
    'This pairing code has expired (a code lives ten minutes) or was cancelled. Nothing was saved: start again to get a new code.':
        'Ce code d’appairage a expiré (un code vaut dix minutes) ou a été annulé. Rien n’a été enregistré : recommencez pour obtenir un nouveau code.',
    "The relay's answer does not match this code: the keys it gave are not the new computer's. Nothing was sent; do not pair, and tell whoever runs the relay.":
        'La réponse du relais ne correspond pas à ce code : les clés qu’il a fournies ne sont pas celles du nouvel ordinateur. Rien n’a été envoyé ; n’appairez pas, et prévenez l’exploitant du relais.',
    "The practice's keys did not come from the workstation that read this code; nothing was saved. Start the pairing again.":
        'Les clés du cabinet ne viennent pas du poste qui a lu ce code ; rien n’a été enregistré. Recommencez l’appairage.',
    'Resume joining the practice…':
        'Reprendre l’appairage avec le cabinet…',
    'Going on with the pairing that was interrupted…':
        'Reprise de l’appairage interrompu…',
    'There is no interrupted pairing to go on with: go back and start again.':
        'Aucun appairage interrompu à reprendre : revenez en arrière et recommencez.',
    'This is not the passphrase chosen for this computer: go back and type it again.':
        'Ce n’est pas la phrase de passe choisie pour cet ordinateur : revenez en arrière et saisissez-la à nouveau.',
    'Revoking a workstation needs the relay, which cannot be reached now. Nothing was changed; try again once online.':
        'Révoquer un poste nécessite le relais, injoignable pour le moment. Rien n’a été modifié ; réessayez une fois en ligne.',
    'A workstation cannot revoke itself: revoke it from another workstation.':
        'Un poste ne peut pas se révoquer lui-même : révoquez-le depuis un autre poste.',
    'The practice has no such workstation.':
        'Le cabinet n’a pas ce poste.',
    'Workstation added':
        'Poste ajouté',
    # -- a patient's record: FHIR, GDPR export, erasure -------------------------------
    'Export everything…':
        'Tout exporter…',
    'Everything about {0}':
        'Toutes les données de {0}',
    "One ZIP file with everything the practice holds about {0}: all conversations as a PDF, the same as FHIR, the documents, and a table of every line of the store about the patient. The ZIP is not encrypted: hand it to the patient, do not leave it lying around. The export is recorded in the patient's history.":
        "Un fichier ZIP avec tout ce que le cabinet détient sur {0} : toutes les conversations en PDF, les mêmes en FHIR, les documents, et un tableau de chaque ligne de la base qui concerne le patient. Le ZIP n'est pas chiffré : remettez-le au patient, ne le laissez pas traîner. L'export est inscrit dans l'historique du patient.",
    'In French':
        'En français',
    'In English':
        'En anglais',
    'File':
        'Fichier',
    'Choose the file to write.':
        'Choisissez le fichier à écrire.',
    'ZIP archive (*.zip)':
        'Archive ZIP (*.zip)',
    'Erase {0}':
        'Effacer {0}',
    'Erase':
        'Effacer',
    'Erase this patient…':
        'Effacer ce patient…',
    "<b>{0}</b>, born {1}, will be erased from this workstation and from the relay: the record, every conversation and document, the renewal requests and prescriptions, the notices received and the history. The patient's access to the messaging ends. <b>This cannot be undone.</b> Export the record first if the practice must keep it.":
        "<b>{0}</b>, né(e) le {1}, sera effacé(e) de ce poste et du relais : la fiche, toutes les conversations et tous les documents, les demandes de renouvellement et les ordonnances, les informations reçues et l'historique. L'accès du patient à la messagerie prend fin. <b>C'est irréversible.</b> Exportez d'abord le dossier si le cabinet doit le conserver.",
    'I understand that this cannot be undone':
        "Je comprends que c'est irréversible",
    'Erasing…':
        'Effacement en cours…',
    '{0} was erased. The relay never knew this patient.':
        "{0} a été effacé(e). Le relais n'a jamais connu ce patient.",
    '{0} was erased from this workstation. Waiting for the relay to confirm (if the workstation is offline, it is asked at the next sync)…':
        '{0} a été effacé(e) de ce poste. En attente de la confirmation du relais (si le poste est hors ligne, il sera sollicité à la prochaine synchronisation)…',
    'The relay confirmed: it holds nothing of {0} any more.':
        'Le relais a confirmé : il ne détient plus rien de {0}.',
    'The relay refused the erasure: {0}':
        "Le relais a refusé l'effacement : {0}",
    'Exported as FHIR':
        'Exporté en FHIR',
    'Everything about the patient exported':
        'Export de toutes les données du patient',
    'Patient erased':
        'Patient effacé',
    'Export to':
        'Exporter vers',
    'Export {0} as FHIR':
        'Exporter {0} en FHIR',
    'Export':
        'Exporter',
    "The conversations, renewal requests, prescriptions and notices of {0}, as FHIR R4 resources for the practice software or the DMP. The export is recorded in the patient's history.":
        "Les conversations, demandes de renouvellement, ordonnances et informations de {0}, en ressources FHIR R4 pour le logiciel du cabinet ou le DMP. L'export est inscrit dans l'historique du patient.",
    'One JSON file (a FHIR Bundle)':
        'Un fichier JSON (un Bundle FHIR)',
    'One NDJSON file per resource type':
        'Un fichier NDJSON par type de ressource',
    'Include the documents themselves':
        'Inclure les documents eux-mêmes',
    'Folder':
        'Dossier',
    'Choose the folder to export to.':
        'Choisissez le dossier où exporter.',
    'Exporting…':
        'Export en cours…',
    'Written: {0}':
        'Écrit : {0}',
    'Export FHIR…':
        'Exporter en FHIR…',
    'Choose…':
        'Choisir…',
    'Close':
        'Fermer',
    # -- documents ------------------------------------------------------------------------
    '{0}: {1}':
        '{0} : {1}',
    'Sending {0}':
        'Envoi de {0}',
    'Downloading {0}':
        'Téléchargement de {0}',
    '(+{0} more)':
        '(+{0} autres)',
    'a document':
        'un document',
    'renewed prescription':
        'ordonnance renouvelée',
    'To send:':
        'À envoyer :',
    'Attach documents':
        'Joindre des documents',
    'Documents (*.pdf *.jpg *.jpeg *.png *.heic);;All files (*)':
        'Documents (*.pdf *.jpg *.jpeg *.png *.heic);;Tous les fichiers (*)',
    '{0}: a message carries at most {1} documents.':
        '{0} : un message contient au plus {1} documents.',
    'Not attached':
        'Non joint',
    'These files cannot be sent:':
        'Ces fichiers ne peuvent pas être envoyés :',
    'Remove {0}':
        'Retirer {0}',
    'Attach…':
        'Joindre…',
    'Attach documents (PDF, JPEG, PNG); you can also drop files on the conversation':
        'Joindre des documents (PDF, JPEG, PNG) ; vous pouvez aussi déposer des fichiers sur la conversation',
    'Open':
        'Ouvrir',
    'Save as…':
        'Enregistrer sous…',
    'Stop':
        'Arrêter',
    'Download':
        'Télécharger',
    'Cancel sending':
        "Annuler l'envoi",
    'this file is empty: there is nothing to send.':
        "ce fichier est vide : il n'y a rien à envoyer.",
    'this file is too large ({0}): the limit is {1} per file.':
        'ce fichier est trop volumineux ({0}) : la limite est de {1} par fichier.',
    'HEIC photos cannot be read on this computer: save the photo as JPEG or PNG and attach it again.':
        'les photos HEIC ne peuvent pas être lues sur cet ordinateur : enregistrez la photo en JPEG ou PNG et joignez-la à nouveau.',
    'this type of file cannot be sent. Accepted types: {0}.':
        'ce type de fichier ne peut pas être envoyé. Types acceptés : {0}.',
    'this file cannot be read.':
        'ce fichier ne peut pas être lu.',
    'sending… {0} %':
        'envoi… {0} %',
    'downloading… {0} %':
        'téléchargement… {0} %',
    'waiting for the connection to be sent':
        'en attente de la connexion pour être envoyé',
    'to be sent':
        'à envoyer',
    'damaged: it failed its integrity check and cannot be opened':
        "endommagé : le contrôle d'intégrité a échoué, il ne peut pas être ouvert",
    'download stopped':
        'téléchargement arrêté',
    'not downloaded yet: this workstation is offline':
        'pas encore téléchargé : ce poste est hors connexion',
    'not downloaded yet':
        'pas encore téléchargé',
    'Document damaged':
        'Document endommagé',
    'This document failed its integrity check: it was not kept. Ask the patient to send it again.':
        "Ce document n'a pas passé le contrôle d'intégrité : il n'a pas été conservé. Demandez au patient de l'envoyer à nouveau.",
    'Not downloaded yet':
        'Pas encore téléchargé',
    'This document has not been downloaded yet and this workstation is offline. It will be downloaded as soon as the connection returns.':
        "Ce document n'a pas encore été téléchargé et ce poste est hors connexion. Il sera téléchargé dès le retour de la connexion.",
    'Save a copy of the document':
        'Enregistrer une copie du document',
    'Saved to {0}':
        'Enregistré dans {0}',
    'Cancel sending this message and its documents? The patient will not receive it.':
        "Annuler l'envoi de ce message et de ses documents ? Le patient ne le recevra pas.",
    'Too late: the message has already been sent.':
        'Trop tard : le message a déjà été envoyé.',
    'Save a copy of this document on this computer':
        'Enregistrer une copie de ce document sur cet ordinateur',
    'Save the document as':
        'Enregistrer le document sous',
    'PDF document (*.pdf)':
        'Document PDF (*.pdf)',
    'JPEG image (*.jpg *.jpeg)':
        'Image JPEG (*.jpg *.jpeg)',
    'PNG image (*.png)':
        'Image PNG (*.png)',
    'HEIC image (*.heic *.heif)':
        'Image HEIC (*.heic *.heif)',
    'Previous page':
        'Page précédente',
    'Next page':
        'Page suivante',
    'Zoom out':
        'Réduire',
    'Zoom in':
        'Agrandir',
    'Fit the width of the window':
        'Ajuster à la largeur de la fenêtre',
    'Fit width':
        'Pleine largeur',
    'files of this type ({0}) cannot be previewed':
        'les fichiers de ce type ({0}) ne peuvent pas être affichés',
    'the PDF file has no pages':
        "le fichier PDF n'a aucune page",
    'the PDF file is protected by a password':
        'le fichier PDF est protégé par un mot de passe',
    'the PDF file is protected in a way this program cannot open':
        "le fichier PDF est protégé d'une manière que ce programme ne sait pas ouvrir",
    'the PDF file is damaged or incomplete':
        'le fichier PDF est endommagé ou incomplet',
    'this computer cannot read images of this type ({0})':
        'cet ordinateur ne sait pas lire les images de ce type ({0})',
    'the image is damaged or incomplete':
        "l'image est endommagée ou incomplète",
    'This document cannot be shown here: {0}.\n\nUse Save as… to open it with another program.':
        "Ce document ne peut pas être affiché ici : {0}.\n\nUtilisez « Enregistrer sous… » pour l'ouvrir avec un autre programme.",
    '{0} / {1}':
        '{0} / {1}',
    'Page {0} of {1}':
        'Page {0} sur {1}',
    '{0}%':
        '{0} %',
    'from the patient':
        'envoyé par le patient',
    'sent by the practice':
        'envoyé par le cabinet',
    'Documents':
        'Documents',
    ' MB':
        ' Mo',
    "The largest document the practice or a patient may send; patients' apps refuse a larger file before sending it.":
        "Le plus gros document que le cabinet ou un patient peut envoyer ; l'application des patients refuse un fichier plus gros avant de l'envoyer.",
    'Largest document':
        "Taille maximale d'un document",
    'Notice prepared':
        'Information préparée',
    'Notice cancelled':
        'Information annulée',
    'Document sent':
        'Document envoyé',
    'Document saved to disk':
        'Document enregistré sur le disque',
    # -- invitation letters and exports to the medical file -----------------------------
    'Export to the file…':
        'Exporter vers le dossier…',
    "This conversation as a PDF for the patient's medical file":
        'Cette conversation en PDF pour le dossier médical du patient',
    'Export to the medical file':
        'Exporter vers le dossier médical',
    "This conversation with {0} will be saved as a PDF for the patient's medical file: every message with its author and time, the documents attached (named by their SHA-256) and the renewal decisions.":
        "Cette conversation avec {0} sera enregistrée en PDF pour le dossier médical du patient : chaque message avec son auteur et son heure, les documents joints (désignés par leur SHA-256) et les décisions de renouvellement.",
    "All conversations with {0} will be saved as one PDF for the patient's medical file: every message with its author and time, the documents attached (named by their SHA-256) and the renewal decisions.":
        "Toutes les conversations avec {0} seront enregistrées dans un seul PDF pour le dossier médical du patient : chaque message avec son auteur et son heure, les documents joints (désignés par leur SHA-256) et les décisions de renouvellement.",
    'Include internal notes':
        'Inclure les notes internes',
    "Notes are the practice's: the patient never saw them. Leave them out of a copy for the patient.":
        "Les notes sont celles du cabinet : le patient ne les a jamais vues. Ne les mettez pas dans une copie destinée au patient.",
    'Export…':
        'Exporter…',
    'Save the export as':
        "Enregistrer l'export sous",
    'Preparing the PDF…':
        'Préparation du PDF…',
    'Messages':
        'Messages',
    'Print the letter…':
        'Imprimer la lettre…',
    'Print…':
        'Imprimer…',
    'Invitation letters':
        "Lettres d'invitation",
    'No letter to print: {0}.':
        'Aucune lettre à imprimer : {0}.',
    'Invitation letter':
        "Lettre d'invitation",
    'Invitation letter for {0}':
        "Lettre d'invitation pour {0}",
    '{0} invitation letters':
        "{0} lettres d'invitation",
    'No letter for: {0}':
        'Pas de lettre pour : {0}',
    'already enrolled':
        'déjà inscrit',
    'not a patient of this practice':
        "pas un patient du cabinet",
    'Invitation letters…':
        "Lettres d'invitation…",
    'One letter per selected patient, in one PDF to print; those without a code are enrolled':
        "Une lettre par patient sélectionné, dans un seul PDF à imprimer ; ceux qui n'ont pas de code sont inscrits",
    'Export conversations…':
        'Exporter les conversations…',
    "All of this patient's conversations in one PDF for the medical file":
        'Toutes les conversations de ce patient dans un seul PDF pour le dossier médical',
    'Conversations exported for the medical file':
        'Conversations exportées pour le dossier médical',
    'Invitation letter made':
        "Lettre d'invitation établie",
    # -- notices --------------------------------------------------------------------------
    "Notices": "Informations",
    "New notice": "Nouvelle information",
    "Campaigns": "Campagnes",
    "Notices are for prevention (vaccination, screening) and news of the practice (closures, opening hours) — never for marketing. Patients can opt out of preventive notices.":
        "Les informations servent à la prévention (vaccination, dépistage) et aux nouvelles du "
        "cabinet (fermetures, horaires) — jamais à la publicité. Les patients peuvent refuser "
        "les informations de prévention.",
    "Prevention": "Prévention",
    "Practice news": "Vie du cabinet",
    "Patients may reply": "Les patients peuvent répondre",
    " years": " ans",
    "Women and men": "Femmes et hommes",
    "Women": "Femmes",
    "Men": "Hommes",
    "e.g. diabetes, asthma (empty: no condition)": "ex. diabète, asthme (vide : sans condition)",
    "All of these tags": "Toutes ces étiquettes",
    "Send now": "Envoyer maintenant",
    "Schedule": "Programmer",
    "to": "à",
    "Template": "Modèle",
    "Kind": "Type",
    "Sex": "Sexe",
    "Tags": "Étiquettes",
    "or on": "ou le",
    "Nobody matches: no enrolled patient fits.": "Personne : aucun patient inscrit ne correspond.",
    "1 patient will receive it:": "1 patient la recevra :",
    "{0} patients will receive it:": "{0} patients la recevront :",
    "… and {0} more": "… et {0} autres",
    "Choose a time in the future to schedule it.": "Choisissez une date à venir pour la programmer.",
    "{0} of {1} sealed and handed over": "{0} sur {1} chiffrées et remises au relais",
    "Prepared": "Préparée",
    "State": "État",
    "Recipients": "Destinataires",
    "Replies": "Réponses",
    "Stop sending": "Arrêter l’envoi",
    "Scheduled": "Programmée",
    "Sending": "Envoi en cours",
    "Stopped": "Arrêtée",
    "Blank notice": "Information vierge",
    # -- renewals ------------------------------------------------------------------------
    "History (who did what, when)": "Historique (qui a fait quoi, et quand)",
    "Signature image (PNG)": "Image de la signature (PNG)",
    "PNG images (*.png)": "Images PNG (*.png)",
    "Renewal rules": "Règles de renouvellement",
    "Flag when the last visit is older than": "Signaler quand la dernière visite date de plus de",
    " months": " mois",
    "Flag a treatment still covered, with a margin of":
        "Signaler un traitement encore couvert, avec une marge de",
    " days": " jours",
    "One treatment per line": "Un traitement par ligne",
    "Save the rules": "Enregistrer les règles",
    "Never renewed remotely": "Jamais renouvelés à distance",
    "Signature image…": "Image de la signature…",
    "Printed on renewed prescriptions (PNG)": "Imprimée sur les ordonnances renouvelées (PNG)",
    "Request accepted": "Demande acceptée",
    "Request declined": "Demande refusée",
    "Conversation closed": "Conversation clôturée",
    "Conversation reopened": "Conversation rouverte",
    "Conversation assigned": "Conversation attribuée",
    "Assignment removed": "Attribution retirée",
    "Internal note added": "Note interne ajoutée",
    "Record edited": "Dossier modifié",
    "Imported from the practice software": "Importé depuis le logiciel du cabinet",
    "Invitation created": "Invitation créée",
    "Renewal approved": "Renouvellement accepté",
    "Renewal declined": "Renouvellement refusé",
    "Renewal: appointment needed": "Renouvellement : rendez-vous nécessaire",
    "Renewal rules changed": "Règles de renouvellement modifiées",

    "Renewals": "Renouvellements",
    "Renew for {0}": "Renouvellement pour {0}",
    "Treatment": "Traitement",
    "Treatments": "Traitements",
    "Dosage": "Posologie",
    "Duration (days)": "Durée (jours)",
    "Duration": "Durée",
    "Quantity": "Quantité",
    "Add a treatment": "Ajouter un traitement",
    "Remove the selected treatment": "Retirer le traitement sélectionné",
    "Why renew anyway (kept in the patient's history)":
        "Pourquoi renouveler malgré tout (conservé dans l’historique du patient)",
    "Message to the patient (optional)": "Message au patient (facultatif)",
    "Printed on the prescription (optional)": "Imprimé sur l’ordonnance (facultatif)",
    "Approve and send the prescription": "Accepter et envoyer l’ordonnance",
    "Override": "Passer outre",
    "To the patient": "Au patient",
    "On the prescription": "Sur l’ordonnance",
    "A renewal needs at least one treatment.": "Un renouvellement comporte au moins un traitement.",
    "Fill in the treatment, dosage and quantity of line {0}.":
        "Indiquez le traitement, la posologie et la quantité de la ligne {0}.",
    "This request is flagged: give a reason to renew it anyway, or ask for an appointment instead.":
        "Cette demande est signalée : indiquez pourquoi la renouveler malgré tout, ou demandez "
        "plutôt un rendez-vous.",
    "Preparing the prescription…": "Préparation de l’ordonnance…",
    "Age": "Âge",
    "Last renewal": "Dernier renouvellement",
    "Last visit": "Dernière visite",
    "Waiting": "Attente",
    "Check": "Contrôle",
    "never": "jamais",
    "unknown": "inconnue",
    "⚠ {0}": "⚠ {0}",
    "Approve…": "Accepter…",
    "Appointment needed…": "Rendez-vous nécessaire…",
    "Open the conversation": "Ouvrir la conversation",
    "Earlier renewals of these treatments": "Renouvellements précédents de ces traitements",
    "No renewal request waits": "Aucune demande de renouvellement en attente",
    "1 request waits": "1 demande en attente",
    "{0} requests wait": "{0} demandes en attente",
    "No request selected": "Aucune demande sélectionnée",
    "{0}, {1} years": "{0}, {1} ans",
    "Asks on {0} to renew: <b>{1}</b>": "Demande le {0} le renouvellement de : <b>{1}</b>",
    "Suggested: ask for an appointment.": "Suggestion : demander un rendez-vous.",
    "{0} days": "{0} jours",
    "Decline the renewal": "Refuser le renouvellement",
    "The patient reads this reason. No prescription is made.":
        "Le patient lira ce motif. Aucune ordonnance n’est établie.",
    "Appointment needed": "Rendez-vous nécessaire",
    "The patient is asked to make an appointment. Add a message if you wish.":
        "Le patient est invité à prendre rendez-vous. Ajoutez un message si vous le souhaitez.",
    "Ask for an appointment": "Demander un rendez-vous",
    "The patient is no longer enrolled for messaging.":
        "Le patient n’est plus inscrit à la messagerie.",
    "No last visit is recorded for this patient.":
        "Aucune dernière visite n’est enregistrée pour ce patient.",
    "The last visit is too long ago for a remote renewal.":
        "La dernière visite est trop ancienne pour un renouvellement à distance.",
    "{0} is on the practice's never-renew-remotely list.":
        "{0} figure sur la liste du cabinet des traitements jamais renouvelés à distance.",
    "{0} is still covered by an earlier prescription.":
        "{0} est encore couvert par une ordonnance précédente.",
    "Waiting for a decision": "En attente de décision",
    "Approved": "Accepté",
    "less than an hour": "moins d’une heure",
    "Date": "Date",
    "{0} h": "{0} h",
    # -- words of the practice (labels) ------------------------------------------------
    "Renewal": "Renouvellement",
    "Document": "Document",
    "Administrative question": "Question administrative",
    "Other": "Autre",
    "Awaiting acceptance": "En attente d’acceptation",
    "Declined": "Refusée",
    "Waiting to be sent": "En attente d’envoi",
    "Sent": "Envoyé",
    "Delivered": "Distribué",
    "Read": "Lu",
    "Born {0} ({1} years)": "Né(e) le {0} ({1} ans)",
    # -- errors ----------------------------------------------------------------------
    "Passerelle": "Passerelle",
    "the terminal": "le terminal",
    "Passerelle — unexpected error": "Passerelle — erreur inattendue",
    "Something went wrong that should not have: {error}\n\n"
    "Nothing you saved is lost. Details were written to {log}.":
        "Une erreur inattendue s’est produite : {error}\n\n"
        "Rien de ce que vous avez enregistré n’est perdu. Le détail a été consigné "
        "dans {log}.",
    # -- the main window -------------------------------------------------------------
    "Inbox": "Messagerie",
    "Who is working": "Qui est au poste",
    "Lock": "Verrouiller",
    "Working:": "Au poste :",
    "Not for emergencies:\npatients call 15 or 112.":
        "Pas pour les urgences :\nles patients appellent le 15 ou le 112.",
    "Patients": "Patients",
    "Practice settings": "Réglages du cabinet",
    "A new message from a patient": "Un nouveau message d’un patient",
    "{0} new messages from patients": "{0} nouveaux messages de patients",
    "Passerelle — {0} to process": "Passerelle — {0} à traiter",
    # -- sync status -----------------------------------------------------------------
    "Locked — nothing is synced until the practice unlocks":
        "Verrouillé — synchronisation suspendue jusqu’au déverrouillage",
    "Not connected to a relay": "Non connecté à un relais",
    "Synced": "Synchronisé",
    "Syncing — {0} to send": "Synchronisation — {0} à envoyer",
    "Syncing…": "Synchronisation…",
    "Offline since {0}": "Hors ligne depuis {0}",
    "{0} waiting to be sent": "{0} en attente d’envoi",
    "Sync error: {0}": "Erreur de synchronisation : {0}",
    "Sync stopped": "Synchronisation arrêtée",
    # -- unlock ----------------------------------------------------------------------
    "The practice's messages are locked.": "La messagerie du cabinet est verrouillée.",
    "Passphrase": "Phrase de passe",
    "Unlock": "Déverrouiller",
    "Unlock status": "État du déverrouillage",
    "Demo mode — the passphrase is: <b>{0}</b>":
        "Mode démonstration — la phrase de passe est : <b>{0}</b>",
    "Not for emergencies: patients are told to call 15 or 112.":
        "Pas pour les urgences : les patients sont invités à appeler le 15 ou le 112.",
    "Type the practice's passphrase.": "Saisissez la phrase de passe du cabinet.",
    "Unlocking…": "Déverrouillage…",
    "Locked. Type the passphrase to go on.":
        "Verrouillé. Saisissez la phrase de passe pour continuer.",
    "Passphrase changed. Unlock with the new one.":
        "Phrase de passe modifiée. Déverrouillez avec la nouvelle.",
    "The passphrase was not changed: {0}": "La phrase de passe n’a pas été modifiée : {0}",
    "Wrong passphrase. Try again.": "Phrase de passe incorrecte. Réessayez.",
    "Wrong passphrase. Try again in {0} s.":
        "Phrase de passe incorrecte. Réessayez dans {0} s.",
    "Passerelle was interrupted and the store's journal was damaged: the last {0} changes "
    "saved before the interruption could not be read back. Messages from the relay are "
    "being fetched again; check what you wrote just before the interruption.":
        "Passerelle a été interrompu et le journal de la base était endommagé : les {0} "
        "dernières modifications enregistrées avant l’interruption n’ont pas pu être "
        "relues. Les messages du relais sont récupérés à nouveau ; vérifiez ce que vous "
        "avez écrit juste avant l’interruption.",
    # -- demo ------------------------------------------------------------------------
    "Preparing the demo practice and its patients…":
        "Préparation du cabinet de démonstration et de ses patients…",
    "The demo practice is ready: unlock it.":
        "Le cabinet de démonstration est prêt : déverrouillez-le.",
    "The demo could not start: {0}": "La démonstration n’a pas pu démarrer : {0}",
    # -- inbox -----------------------------------------------------------------------
    "To process": "À traiter",
    "Requests awaiting acceptance": "Demandes en attente",
    "Assigned to me": "Attribuées à moi",
    "All": "Toutes",
    "Search all messages…": "Rechercher dans tous les messages…",
    "{0} conversations match": "{0} conversations correspondantes",
    "{0} conversations": "{0} conversations",
    "Patient": "Patient",
    "Category": "Catégorie",
    "Practitioner": "Praticien",
    "Last message": "Dernier message",
    "Time": "Date",
    "Unread": "Non lus",
    "{0} unread": "{0} non lu(s)",
    "Urgent wording: the patient sent this despite the warning to call 15 or 112":
        "Mots d’urgence : le patient l’a envoyé malgré l’avertissement d’appeler le 15 ou le 112",
    "Urgent wording: {0}": "Mots d’urgence : {0}",
    # -- a conversation --------------------------------------------------------------
    "Accept": "Accepter",
    "Decline…": "Refuser…",
    "Close": "Clôturer",
    "Reopen": "Rouvrir",
    "Internal note…": "Note interne…",
    "Assign": "Attribuer",
    "Write to the patient… (Ctrl+Enter sends)":
        "Écrire au patient… (Ctrl+Entrée pour envoyer)",
    "Send": "Envoyer",
    "Canned reply:": "Réponse type :",
    "No conversation selected": "Aucune conversation sélectionnée",
    "assigned to {0}": "attribuée à {0}",
    "Your reply will accept the request.": "Votre réponse acceptera la demande.",
    "No conversation matches": "Aucune conversation ne correspond",
    "1 conversation matches": "1 conversation correspond",
    "No conversation here": "Aucune conversation ici",
    "1 conversation": "1 conversation",
    "No patient found": "Aucun patient trouvé",
    "1 patient": "1 patient",
    " working days": " jours ouvrés",
    "Reopen the conversation to write.": "Rouvrez la conversation pour écrire.",
    "The practice": "Le cabinet",
    "Internal note — patients never see it": "Note interne — jamais visible par les patients",
    "Choose…": "Choisir…",
    "Decline the request": "Refuser la demande",
    "The patient will read this reason. Suggest what to do instead "
    "(an appointment, another practitioner).":
        "Le patient lira ce motif. Proposez-lui une autre solution "
        "(un rendez-vous, un autre praticien).",
    "Decline": "Refuser",
    "Internal note": "Note interne",
    "Only the practice sees notes; they never leave this store.":
        "Seul le cabinet voit les notes ; elles ne quittent jamais cette base.",
    "Add note": "Ajouter la note",
    "Nobody (back to the addressee)": "Personne (retour au praticien destinataire)",
    "No messages.": "Aucun message.",
    # -- patients --------------------------------------------------------------------
    "Invitation for {0}": "Invitation pour {0}",
    "Give this code to {0}. It works once, within {1} days, in the Passerelle patient app.":
        "Remettez ce code à {0}. Il est valable une seule fois, pendant {1} jours, dans "
        "l’application patient Passerelle.",
    "Find a patient: name, file no. or date of birth":
        "Rechercher un patient : nom, n° de dossier ou date de naissance",
    "New patient": "Nouveau patient",
    "Edit": "Modifier",
    "Import CSV…": "Importer un CSV…",
    "Enrol for messaging": "Inscrire à la messagerie",
    "Conversations": "Conversations",
    "{0} patients": "{0} patients",
    "Choose a patient to see the details.": "Sélectionnez un patient pour voir sa fiche.",
    "File no. {0}": "Dossier n° {0}",
    "Last visit: {0}": "Dernière consultation : {0}",
    "Tags: {0}": "Étiquettes : {0}",
    "Name": "Nom",
    "Born": "Naissance",
    "File no.": "N° de dossier",
    "Telephone": "Téléphone",
    "Messaging": "Messagerie",
    "Enrolled": "Inscrit",
    "Revoked": "Révoqué",
    "Not enrolled": "Non inscrit",
    # -- a patient's record ----------------------------------------------------------
    "Edit patient": "Modifier le patient",
    "—": "—",
    "Female": "Féminin",
    "Male": "Masculin",
    "unknown": "inconnue",
    "e.g. diabetes, asthma": "ex. : diabète, asthme",
    "Does not want preventive notices": "Ne souhaite pas recevoir les messages de prévention",
    "Date of birth": "Date de naissance",
    "Sex": "Sexe",
    "Email": "E-mail",
    "File no. (practice software)": "N° de dossier (logiciel métier)",
    "Last visit": "Dernière consultation",
    "Tags": "Étiquettes",
    "The patient needs a name.": "Le nom du patient est obligatoire.",
    "This email address looks wrong.": "Cette adresse e-mail semble incorrecte.",
    # -- CSV import ------------------------------------------------------------------
    "Import patients from a CSV file": "Importer des patients depuis un fichier CSV",
    "Choose a file…": "Choisir un fichier…",
    "No file chosen.": "Aucun fichier choisi.",
    "Line": "Ligne",
    "Import": "Importer",
    "Lines that will not be imported:": "Lignes qui ne seront pas importées :",
    "Patient list": "Liste de patients",
    "CSV files (*.csv *.txt)": "Fichiers CSV (*.csv *.txt)",
    "All files (*)": "Tous les fichiers (*)",
    "Reading…": "Lecture…",
    "This file cannot be imported: {0}": "Ce fichier ne peut pas être importé : {0}",
    "Columns read: {0}.": "Colonnes lues : {0}.",
    "Ignored: {0}.": "Ignorées : {0}.",
    "{0} patients ready to import, {1} lines with errors.":
        "{0} patients prêts à être importés, {1} lignes en erreur.",
    "Line {0}: {1}": "Ligne {0} : {1}",
    "Import the {0} valid lines and leave out the {1} others":
        "Importer les {0} lignes valides et laisser de côté les {1} autres",
    "last name": "nom",
    "first name": "prénom",
    "name": "nom complet",
    "date of birth": "date de naissance",
    "sex": "sexe",
    "telephone": "téléphone",
    "email": "e-mail",
    "file no.": "n° de dossier",
    "last visit": "dernière consultation",
    "Import 1 patient": "Importer 1 patient",
    "Import {0} patients": "Importer {0} patients",
    "{0} patients imported. {1} lines were already in the list and were left as they are.":
        "{0} patients importés. {1} lignes figuraient déjà dans la liste et n’ont pas été "
        "modifiées.",
    "Line {0}: {1} — {2}": "Ligne {0} : {1} — {2}",
    "Nothing was imported: {0}": "Rien n’a été importé : {0}",
    # -- first run -------------------------------------------------------------------
    "Passerelle — first run": "Passerelle — premier démarrage",
    "Creating the encrypted store and registering…":
        "Création de la base chiffrée et inscription auprès du relais…",
    "The store was not created: {0}": "La base n’a pas été créée : {0}",
    "Your practice": "Votre cabinet",
    "As patients will see it on their invitation and in their app.":
        "Tel que les patients le verront sur leur invitation et dans leur application.",
    "Practice name": "Nom du cabinet",
    "Address": "Adresse",
    "Practitioners": "Praticiens",
    "Only practitioners who accept messaging can receive patients' requests.":
        "Seuls les praticiens qui acceptent la messagerie peuvent recevoir les demandes "
        "des patients.",
    "Profession": "Profession",
    "RPPS (optional)": "RPPS (facultatif)",
    "Accepts messaging": "Accepte la messagerie",
    "Add a practitioner": "Ajouter un praticien",
    "Remove": "Retirer",
    "Add at least one practitioner (a name is enough).":
        "Ajoutez au moins un praticien (un nom suffit).",
    "The RPPS number of {0} must be 11 digits.":
        "Le numéro RPPS de {0} doit comporter 11 chiffres.",
    "It encrypts everything on this computer. Without it nobody — not even us — "
    "can read the store: keep it somewhere safe.":
        "Elle chiffre tout ce qui est enregistré sur cet ordinateur. Sans elle, personne — "
        "pas même nous — ne peut lire la base : conservez-la en lieu sûr.",
    "Confirm": "Confirmation",
    "Too short: at least 10 characters.": "Trop courte : 10 caractères au minimum.",
    "Weak.": "Faible.",
    "Fair.": "Moyenne.",
    "Good.": "Bonne.",
    "Strong.": "Robuste.",
    "Several unrelated words are easier to remember and harder to guess.":
        "Plusieurs mots sans rapport entre eux sont plus faciles à retenir et plus "
        "difficiles à deviner.",
    "The two passphrases differ.": "Les deux phrases de passe sont différentes.",
    "Relay": "Relais",
    "The relay carries encrypted messages between the practice and its patients. "
    "Its operator gave you its address and a one-time enrolment token.":
        "Le relais transmet les messages chiffrés entre le cabinet et ses patients. "
        "Son opérateur vous a communiqué son adresse et un jeton d’inscription à usage "
        "unique.",
    "Relay address": "Adresse du relais",
    "Enrolment token": "Jeton d’inscription",
    "The relay address starts with https:// (or http://).":
        "L’adresse du relais doit commencer par https:// (ou http://).",
    # -- settings --------------------------------------------------------------------
    "Save": "Enregistrer",
    "The practice needs a name.": "Le nom du cabinet est obligatoire.",
    "Accepts messaging from patients": "Accepte les messages des patients",
    " working day(s)": " jour(s) ouvré(s)",
    "Absent — answer patients automatically":
        "Absent(e) — répondre automatiquement aux patients",
    "Save practitioner": "Enregistrer le praticien",
    "from": "du",
    "until": "au",
    "RPPS": "RPPS",
    "Expected response time": "Délai de réponse annoncé",
    "Absence": "Absence",
    "Auto-reply": "Réponse automatique",
    "A practitioner needs a name.": "Le nom du praticien est obligatoire.",
    "An RPPS number is 11 digits.": "Un numéro RPPS comporte 11 chiffres.",
    "An absence needs an end on or after its start, and a message for patients.":
        "Une absence doit se terminer le jour de son début ou après, et comporter un "
        "message pour les patients.",
    "Type the new practitioner's name first.": "Saisissez d’abord le nom du nouveau praticien.",
    "This workstation": "Ce poste",
    " min": " min",
    "Lock after inactivity": "Verrouillage après inactivité",
    "A new relay address is used from the next unlock.":
        "Une nouvelle adresse de relais s’applique au prochain déverrouillage.",
    "Change the passphrase": "Changer la phrase de passe",
    "Current passphrase": "Phrase de passe actuelle",
    "New passphrase": "Nouvelle phrase de passe",
    "At least 10 characters.": "10 caractères au minimum.",
    "The two new passphrases differ.": "Les deux nouvelles phrases de passe sont différentes.",
    # -- canned replies (settings) ---------------------------------------------------
    "Canned replies": "Réponses types",
    "Save reply": "Enregistrer la réponse",
    "Delete": "Supprimer",
    "Title": "Titre",
    "Text": "Texte",
    "A canned reply needs a title and a text.": "Une réponse type doit avoir un titre et un texte.",
    # -- later additions -------------------------------------------------------------
    "Show earlier messages": "Afficher les messages précédents",
    "Search messages": "Rechercher dans les messages",
    # -- decisions taken first on another workstation (issue 12) ----------------------
    "the workstation {0}": "le poste {0}",
    "another workstation": "un autre poste",
    "Understood": "Compris",
    "Already decided by {0} at {1}.": "Déjà décidé par {0} à {1}.",
    "Your decision on this renewal request was taken back; nothing of it was sent to the "
    "patient.":
        "Votre décision sur cette demande de renouvellement a été annulée ; rien n’en a été "
        "envoyé au patient.",
    "The request is: {0}.": "La demande est : {0}.",
    "Your change to this conversation was taken back; nothing of it was sent to the patient.":
        "Votre changement sur cette conversation a été annulé ; rien n’en a été envoyé au "
        "patient.",
    "The conversation is: {0}.": "La conversation est : {0}.",
    "Not sent: {0} closed this conversation at {1}":
        "Non envoyé : {0} a clôturé cette conversation à {1}",
    "Not sent: {0} declined this request at {1}":
        "Non envoyé : {0} a refusé cette demande à {1}",
    "Not sent: the conversation was closed meanwhile":
        "Non envoyé : la conversation a été clôturée entre-temps",
    "Not sent: the relay refused this message": "Non envoyé : le relais a refusé ce message",
    "Decision taken back (decided first elsewhere)":
        "Décision annulée (prise d’abord sur un autre poste)",
}

# Where the same English needs other French: (context, source) → French.
FR_IN: dict[tuple[str, str], str] = {
    # A conversation's state (labels) is singular; the inbox's filters are plural.
    ("labels", "Open"): "Ouverte",
    ("labels", "Closed"): "Clôturée",
    ("InboxScreen", "Open"): "Ouvertes",
    ("InboxScreen", "Closed"): "Clôturées",
    # A new canned reply (une réponse type).
    ("CannedRepliesEditor", "New"): "Nouvelle",
    # Closing a window, not a conversation.
    ("DocumentDialog", "Close"): "Fermer",
}

NBSP = "\u00a0"


def typography(text: str) -> str:
    """No-break spaces where French typography wants them (before : ; ? ! », after «)."""
    text = re.sub(r" ([:;?!»])", NBSP + r"\1", text)
    return text.replace("« ", "«" + NBSP)


def french(context: str, source: str) -> str | None:
    found = FR_IN.get((context, source), FR.get(source))
    return typography(found) if found is not None else None


def _protect(text: str) -> str:
    """Escaped as lupdate writes it (so the next lupdate leaves the line alone)."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&apos;").replace(NBSP, "&#xa0;"))


_CONTEXT = re.compile(r"(?s)<context>\s*<name>(.*?)</name>.*?</context>")
_MESSAGE = re.compile(r"(?s)<message\b[^>]*>.*?</message>")
_TRANSLATION = re.compile(r"(?s)<translation\b[^>]*?(?:/>|>.*?</translation>)")


def fill(ts: Path, everything: bool = False) -> tuple[int, list[str]]:
    """Fill ``ts`` in place; returns (messages filled, "context: source" still missing)."""
    filled = 0
    missing: list[str] = []

    def in_context(c: re.Match[str]) -> str:
        context = html.unescape(c.group(1))

        def message(m: re.Match[str]) -> str:
            nonlocal filled
            block = m.group(0)
            t = _TRANSLATION.search(block)
            if t is None or re.search(r'type="(vanished|obsolete)"', t.group(0)):
                return block
            if 'type="unfinished"' not in t.group(0) and not everything:
                return block
            found = re.search(r"(?s)<source>(.*?)</source>", block)
            source = html.unescape(found.group(1)) if found else ""
            fr = french(context, source)
            if fr is None:
                if 'type="unfinished"' in t.group(0):
                    missing.append(f"{context}: {source!r}")
                return block
            if 'numerus="yes"' in block:
                line = block[block.rfind("\n", 0, t.start()) + 1:]
                indent = line[:len(line) - len(line.lstrip(" \t"))]
                forms = "".join(f"\n{indent}    <numerusform>{_protect(fr)}</numerusform>"
                                for _ in range(2))
                new = f"<translation>{forms}\n{indent}</translation>"
            else:
                new = f"<translation>{_protect(fr)}</translation>"
            if new != t.group(0):
                filled += 1
            return block[:t.start()] + new + block[t.end():]

        return _MESSAGE.sub(message, c.group(0))

    ts.write_text(_CONTEXT.sub(in_context, ts.read_text(encoding="utf-8")), encoding="utf-8")
    return filled, missing


def main(argv: list[str]) -> int:
    ts = Path(next((a for a in argv if not a.startswith("-")), TS))
    filled, missing = fill(ts, everything="--all" in argv)
    print(f"{ts}: {filled} message(s) translated")
    for m in missing:
        print(f"not in the glossary, left unfinished: {m}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
